@echo off
rem Installs kms-agent as the Windows service "kms-agent", run by bin\kms-agent-service.exe (no third-party wrapper),
rem and registers the event source "kms-agent" in the Application log. See docs/windows.md, "As a service".
rem Needs: an elevated prompt; a 64-bit Java 17+ (found as kms-agent-service.exe --which-java shows).
rem Usage: install-service.cmd [path\to\agent.yaml]     (default: conf\agent.yaml)
setlocal
set "KMSAGENT_HOME=%~dp0.."
for %%i in ("%KMSAGENT_HOME%") do set "KMSAGENT_HOME=%%~fi"
set "SERVICE_EXE=%KMSAGENT_HOME%\bin\kms-agent-service.exe"
if not exist "%SERVICE_EXE%" (
  echo install-service: %SERVICE_EXE% is missing; the installation is incomplete. 1>&2
  exit /b 1
)
set "CONFIG=%~1"
if "%CONFIG%"=="" set "CONFIG=%KMSAGENT_HOME%\conf\agent.yaml"
for %%i in ("%CONFIG%") do set "CONFIG=%%~fi"

"%SERVICE_EXE%" --which-java
if errorlevel 1 (
  echo install-service: no 64-bit Java 17 or later found. Install one ^(for example Eclipse Temurin 17 x64 MSI^) 1>&2
  echo or set the machine-wide KMSAGENT_JAVA_HOME, then run this again. 1>&2
  exit /b 1
)

sc.exe create kms-agent binPath= "\"%SERVICE_EXE%\" \"%CONFIG%\"" start= delayed-auto obj= LocalSystem DisplayName= "kms-agent" >nul
if errorlevel 1 (
  echo install-service: sc.exe create failed ^(is this prompt elevated? is the service already installed?^) 1>&2
  exit /b 1
)
sc.exe description kms-agent "Keeps volume-licensed Windows and Office activated and renewed through KMS." >nul
rem Restart after 1 minute on the first two failures, then leave it stopped; count failures over one day. The
rem failure flag makes a STOPPED with an error code (a failed start) count as a failure too, not only a crash.
sc.exe failure kms-agent reset= 86400 actions= restart/60000/restart/60000/""/0 >nul
sc.exe failureflag kms-agent 1 >nul

set "SOURCE_KEY=HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\kms-agent"
reg add "%SOURCE_KEY%" /v EventMessageFile /t REG_EXPAND_SZ /d "%SERVICE_EXE%" /f >nul
reg add "%SOURCE_KEY%" /v TypesSupported /t REG_DWORD /d 7 /f >nul
if errorlevel 1 (
  echo install-service: could not register the event source kms-agent 1>&2
  exit /b 1
)
echo Installed the service kms-agent. Start it with: sc.exe start kms-agent
exit /b 0
