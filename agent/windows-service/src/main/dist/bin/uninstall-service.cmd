@echo off
rem Stops and removes the service kms-agent and its event source (events already written stay in the log, but
rem Event Viewer can no longer render their text). Needs an elevated prompt.
setlocal
sc.exe query kms-agent >nul 2>&1
if not errorlevel 1 (
  sc.exe stop kms-agent >nul 2>&1
  sc.exe delete kms-agent
)
reg delete "HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\kms-agent" /f >nul 2>&1
echo Removed the service kms-agent.
exit /b 0
