@echo off
rem Stops and removes the Windows service "kms-agent" that install-service.cmd made (docs/windows.md). Needs an
rem elevated prompt. The data folder (ledger, state, TLS material), the configuration and the logs are left in place.
rem An MSI installation is removed with msiexec /x instead (or Apps and Features), which also removes the service.
rem Tested under Wine's cmd.exe (distribution/src/test, ServiceScriptsWineIT).
setlocal
sc.exe query kms-agent >nul 2>&1
if errorlevel 1 goto missing
rem Stopping takes a few seconds (the daemon saves its state); a service that is not running answers with an error.
sc.exe stop kms-agent >nul 2>&1
rem Deleted while still stopping, the service lingers until it stops: its last Event Log entry then loses its text (the
rem source is gone) and install-service.cmd run at once is refused as "already installed". So wait for STOPPED, at
rem most 60 s (ping: a second's pause that every Windows has).
set /a waited=0
:waitstop
sc.exe query kms-agent | "%SystemRoot%\System32\find.exe" "STOPPED" >nul 2>&1
if not errorlevel 1 goto stopped
if %waited% geq 60 goto stopped
"%SystemRoot%\System32\ping.exe" -n 2 127.0.0.1 >nul 2>&1
set /a waited+=1
goto waitstop
:stopped
sc.exe delete kms-agent >nul
if errorlevel 1 goto notdeleted
reg delete "HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\kms-agent" /f >nul 2>&1
echo Removed the service kms-agent.
exit /b 0

:missing
>&2 echo uninstall-service: there is no service kms-agent.
exit /b 1
:notdeleted
>&2 echo uninstall-service: could not remove the service kms-agent (is this prompt elevated?)
exit /b 1
