@echo off
rem Stops and removes the Windows service "kms-agent" (docs/windows.md). Needs an elevated prompt.
rem The data folder (ledger, state, TLS material) and logs are left in place.
setlocal
set "SERVICE=%~dp0kms-agent-service.exe"
if not exist "%SERVICE%" (
  echo uninstall-service: %SERVICE% not found 1>&2
  exit /b 1
)
"%SERVICE%" //SS//kms-agent
"%SERVICE%" //DS//kms-agent
if errorlevel 1 (
  echo uninstall-service: procrun could not remove the service ^(is this prompt elevated?^) 1>&2
  exit /b 1
)
echo Removed the service kms-agent.
exit /b 0
