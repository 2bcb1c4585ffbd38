@echo off
rem kms-agent launcher for Windows. Needs a Java 17 or newer runtime: JAVA_HOME's when it is set, else java.exe on PATH.
rem JVM flags: see docs/performance.md (run gets a small heap; other commands the JVM's default); KMSAGENT_JAVA_OPTS adds or overrides flags.
rem Tested under Wine's cmd.exe with a stand-in java.exe (distribution/src/test, LauncherWineIT). Keep every path
rem quoted where it is used and out of ( ) blocks: "C:\Program Files (x86)\..." would close a block early.
setlocal
for %%i in ("%~dp0..") do set "KMSAGENT_HOME=%%~fi"

rem Which java.exe: JAVA_HOME's when JAVA_HOME is set, else the first on PATH. A JAVA_HOME without bin\java.exe is
rem refused, not skipped: whoever set it meant that runtime. Quotes around it (set JAVA_HOME="C:\...") are dropped.
rem The line that drops them is reached only with JAVA_HOME defined: cmd expands the substitution when it reads it.
set "JAVA="
if not defined JAVA_HOME goto javaonpath
set "JAVA_HOME=%JAVA_HOME:"=%"
if not exist "%JAVA_HOME%\bin\java.exe" goto badjavahome
set "JAVA=%JAVA_HOME%\bin\java.exe"
goto javafound
:javaonpath
for %%j in (java.exe) do set "JAVA=%%~$PATH:j"
if not defined JAVA goto nojava
:javafound

rem The version from the line "openjdk version "17.0.2" ..." (or "java version "1.8.0_402""). The command starts
rem with "call" so that cmd /c, which for /f runs it with, does not strip the quotes around a path with spaces.
set "JVER="
for /f "tokens=1-3" %%a in ('call "%JAVA%" -version 2^>^&1') do if /i "%%b"=="version" if not defined JVER set "JVER=%%~c"
set "JMAJOR=0"
if defined JVER for /f "delims=.-+_ " %%m in ("%JVER%") do set "JMAJOR=%%m"
if "%JMAJOR%"=="1" for /f "tokens=2 delims=.-+_ " %%m in ("%JVER%") do set "JMAJOR=%%m"
set "JODD="
for /f "delims=0123456789" %%x in ("%JMAJOR%") do set "JODD=%%x"
if defined JODD set "JMAJOR=0"
if not defined JVER set "JVER=unknown"
if %JMAJOR% LSS 17 goto oldjava

rem The collector (as bin/kms-agent): the parallel one, pausing a quarter of a second at most, for a hub (and the
rem bench, which runs hubs as "kms-agent hub" runs them), whose fan-outs to thousands of agents the serial one kept
rem stopping; one small heap and one collector thread otherwise.
set "GC=-XX:+UseSerialGC"
if /i "%~1"=="hub" set "GC=-XX:+UseParallelGC -XX:MaxGCPauseMillis=250"
if /i "%~1"=="bench" set "GC=-XX:+UseParallelGC -XX:MaxGCPauseMillis=250"
set "FLAGS=%GC% -XX:-UsePerfData"
rem From Java 24 every command would start with WARNING lines about Guava's sun.misc.Unsafe calls: allow them quietly
rem (the flag exists from Java 23; Java 17 refuses it).
if %JMAJOR% GEQ 23 set "FLAGS=%FLAGS% --sun-misc-unsafe-memory-access=allow"
rem run: C1 only, compiling after ten times the JVM's default counts (as bin/kms-agent; docs/performance.md).
if /i "%~1"=="run" set "FLAGS=%FLAGS% -Xss512k -XX:TieredStopAtLevel=1 -XX:Tier3InvocationThreshold=2000 -XX:Tier3MinInvocationThreshold=1000 -XX:Tier3CompileThreshold=20000 -XX:Tier3BackEdgeThreshold=600000 -Xms8m -Xmx64m -XX:ReservedCodeCacheSize=16m"
if /i "%~1"=="hub" set "FLAGS=%FLAGS% --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
if /i "%~1"=="bench" set "FLAGS=%FLAGS% --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
rem KMSAGENT_JAVA_OPTS is read with delayed expansion (!...!): cmd has split the line into commands and redirections
rem before it expands those, so a pipe sign, ampersand or angle bracket in the flags (as in -Dhttp.nonProxyHosts,
rem whose hosts are separated by pipe signs) is an ordinary character there, where %KMSAGENT_JAVA_OPTS% broke the
rem line. Everything else on that line is read the same way, the arguments saved in ARGS first: Windows' cmd does not
rem scan a value expanded so for ! again, so an exclamation mark in a path, a flag or an argument is kept (in text
rem put in by %...% on such a line it would be lost). Without KMSAGENT_JAVA_OPTS the plain line runs: Wine's cmd,
rem which the tests use, does scan expanded values for ! again, and the common case stays exact there too.
if not defined KMSAGENT_JAVA_OPTS goto launch
set ARGS=%*
setlocal EnableDelayedExpansion
"!JAVA!" !FLAGS! --enable-native-access=ALL-UNNAMED "-Dkmsagent.home=!KMSAGENT_HOME!" !KMSAGENT_JAVA_OPTS! -cp "!KMSAGENT_HOME!\lib\*" org.kmsagent.agent.cli.Main !ARGS!
exit /b %ERRORLEVEL%
:launch
"%JAVA%" %FLAGS% --enable-native-access=ALL-UNNAMED "-Dkmsagent.home=%KMSAGENT_HOME%" -cp "%KMSAGENT_HOME%\lib\*" org.kmsagent.agent.cli.Main %*
exit /b %ERRORLEVEL%

:badjavahome
echo kms-agent: JAVA_HOME is set to %JAVA_HOME%, but %JAVA_HOME%\bin\java.exe does not exist. Set it to a Java 17 or newer installation, or clear it (set JAVA_HOME=) to use java.exe on PATH. 1>&2
exit /b 1

:nojava
echo kms-agent: no Java runtime found. Install Java 17 or newer, or set JAVA_HOME. 1>&2
exit /b 1

:oldjava
echo kms-agent: Java 17 or newer is needed; %JAVA% is version %JVER%. 1>&2
exit /b 1
