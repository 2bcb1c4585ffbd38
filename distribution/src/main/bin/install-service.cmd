@echo off
rem Installs kms-agent as the Windows service "kms-agent" with Apache procrun (docs/windows.md, "As a service").
rem Needs: an elevated prompt; Java 17+ (JAVA_HOME or the JVM procrun finds); prunsrv.exe from Apache Commons
rem Daemon's Windows binaries (amd64 build) copied to bin\kms-agent-service.exe.
rem Usage: install-service.cmd [path\to\agent.yaml]     (default: conf\agent.yaml)
setlocal
set "KMSAGENT_HOME=%~dp0.."
for %%i in ("%KMSAGENT_HOME%") do set "KMSAGENT_HOME=%%~fi"
set "SERVICE=%KMSAGENT_HOME%\bin\kms-agent-service.exe"
if not exist "%SERVICE%" (
  echo install-service: %SERVICE% not found. Copy prunsrv.exe ^(amd64^) from Apache Commons Daemon there. 1>&2
  exit /b 1
)
set "CONFIG=%~1"
if "%CONFIG%"=="" set "CONFIG=%KMSAGENT_HOME%\conf\agent.yaml"
if not exist "%KMSAGENT_HOME%\logs" mkdir "%KMSAGENT_HOME%\logs"
set "JVM=auto"
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\server\jvm.dll" set "JVM=%JAVA_HOME%\bin\server\jvm.dll"

"%SERVICE%" //IS//kms-agent --DisplayName="kms-agent" ^
  --Description="Keeps volume-licensed Windows and Office activated and renewed through KMS." ^
  --Startup=auto --ServiceUser=LocalSystem --Jvm="%JVM%" ^
  --Classpath="%KMSAGENT_HOME%\lib\*" ^
  --JvmOptions="-Dkmsagent.home=%KMSAGENT_HOME%;-XX:+UseSerialGC;-Xss512k;-XX:TieredStopAtLevel=1;-Xms8m;-Xmx64m;-XX:ReservedCodeCacheSize=16m;-XX:-UsePerfData;--enable-native-access=ALL-UNNAMED" ^
  --StartMode=jvm --StartClass=org.kmsagent.agent.live.WindowsService --StartMethod=start ^
  --StartParams="%CONFIG%" ^
  --StopMode=jvm --StopClass=org.kmsagent.agent.live.WindowsService --StopMethod=stop --StopTimeout=45 ^
  --LogPath="%KMSAGENT_HOME%\logs" --LogPrefix=kms-agent-service --StdOutput=auto --StdError=auto
if errorlevel 1 (
  echo install-service: procrun could not install the service ^(is this prompt elevated?^) 1>&2
  exit /b 1
)
echo Installed the service kms-agent. Start it with: sc.exe start kms-agent
exit /b 0
