@echo off
rem kms-agent launcher for Windows. Needs a Java 17 or newer runtime on PATH or in JAVA_HOME.
rem JVM flags: see docs/performance.md (run gets a small heap; other commands the JVM's default); KMSAGENT_JAVA_OPTS adds or overrides flags.
setlocal
set "KMSAGENT_HOME=%~dp0.."
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" (set "JAVA=%JAVA_HOME%\bin\java.exe") else (set "JAVA=java.exe")
if not defined JAVA set "JAVA=java.exe"
"%JAVA%" -version >nul 2>&1
if errorlevel 1 (
  echo kms-agent: no Java runtime found. Install Java 17 or newer, or set JAVA_HOME. 1>&2
  exit /b 1
)
for /f "tokens=3" %%v in ('"%JAVA%" -version 2^>^&1 ^| findstr /i "version"') do set "JVER=%%~v"
for /f "delims=." %%m in ("%JVER%") do set "JMAJOR=%%m"
if %JMAJOR% LSS 17 (
  echo kms-agent: Java 17 or newer is needed; found version %JVER%. 1>&2
  exit /b 1
)
set "FLAGS=-XX:+UseSerialGC -XX:-UsePerfData"
if /i "%~1"=="run" set "FLAGS=%FLAGS% -Xss512k -XX:TieredStopAtLevel=1 -Xms8m -Xmx64m -XX:ReservedCodeCacheSize=16m"
if /i "%~1"=="hub" set "FLAGS=%FLAGS% --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
"%JAVA%" %FLAGS% --enable-native-access=ALL-UNNAMED -Dkmsagent.home="%KMSAGENT_HOME%" %KMSAGENT_JAVA_OPTS% -cp "%KMSAGENT_HOME%\lib\*" org.kmsagent.agent.cli.Main %*
exit /b %ERRORLEVEL%
