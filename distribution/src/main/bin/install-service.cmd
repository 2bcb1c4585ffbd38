@echo off
rem Installs kms-agent as the Windows service "kms-agent" (docs/windows.md, "As a service"): the service host
rem bin\kms-agent-service.exe, started automatically as LocalSystem. It is the same service the MSI installs,
rem for installations unpacked from the .zip.
rem Needs: an elevated prompt; a 64-bit Java 17+ runtime (JAVA_HOME's when it is set, else the java.exe on PATH).
rem Usage: install-service.cmd [path\to\agent.yaml]     (default: conf\agent.yaml)
rem The service's environment (registry value Environment of the service) carries KMSAGENT_CONFIG, the
rem configuration file, KMSAGENT_DATA_DIR, the data folder %ProgramData%\kms-agent\data (as the MSI's), and JAVA_HOME,
rem the runtime whose bin\server\jvm.dll the service host loads.
rem Tested under Wine's cmd.exe (distribution/src/test, ServiceScriptsWineIT).
setlocal
for %%i in ("%~dp0..") do set "KMSAGENT_HOME=%%~fi"
set "SERVICE=%KMSAGENT_HOME%\bin\kms-agent-service.exe"
if not exist "%SERVICE%" goto noservice

set "CONFIG=%~1"
if not defined CONFIG set "CONFIG=%KMSAGENT_HOME%\conf\agent.yaml"
for %%i in ("%CONFIG%") do set "CONFIG=%%~fi"
if not exist "%CONFIG%" goto noconfig

rem The runtime, found as bin\kms-agent.cmd finds it: JAVA_HOME's bin\java.exe when JAVA_HOME is set, else the java.exe
rem on PATH. A JAVA_HOME without bin\java.exe is refused, not skipped: whoever set it meant that runtime, and the
rem service would otherwise be given another. Quotes around it (set JAVA_HOME="C:\...") are dropped; that line is
rem reached only with JAVA_HOME defined, since cmd expands the substitution when it reads it.
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
rem The runtime's home, whose bin\server\jvm.dll the service loads: JAVA_HOME when it is set; else the home the runtime
rem reports itself (its java.home property), since the java.exe on PATH need not be in its runtime's bin folder:
rem Oracle's installer puts C:\Program Files\Common Files\Oracle\Java\javapath, a folder of links, first on PATH. Only
rem when the runtime names none, the folder above java.exe's. (bin\kms-agent.cmd asks the same question, but only when
rem the folder above java.exe's has no release file: it runs before every command, and asking costs a JVM start.)
set "JHOME="
if defined JAVA_HOME goto homeabovebin
for /f "tokens=1,2,*" %%a in ('call "%JAVA%" -XshowSettings:properties -version 2^>^&1') do if "%%a"=="java.home" if "%%b"=="=" if not defined JHOME set "JHOME=%%c"
if defined JHOME goto homefound
:homeabovebin
set "JHOME=%JAVA%\..\.."
:homefound
for %%i in ("%JHOME%") do set "JHOME=%%~fi"
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
if not exist "%JHOME%\bin\server\jvm.dll" goto nojvm

sc.exe query kms-agent >nul 2>&1
if not errorlevel 1 goto exists

rem The service's data (admin token, TLS key, state) goes where the MSI puts it, %ProgramData%\kms-agent\data, never in
rem the installation folder: the shipped configuration says dataDir: data, relative to the service's working folder,
rem which is this installation, and every local user can read Program Files. The agent sets no access list of its own
rem on Windows (its folders inherit their parent's), so %ProgramData%\kms-agent is locked here as the MSI locks it:
rem inherited entries removed, full control for SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544) only, by SID so
rem that a Windows in another language is served alike; (OI)(CI) hands both on to everything made inside.
if not defined ProgramData goto noprogramdata
set "KMSDATA=%ProgramData%\kms-agent"
if not exist "%KMSDATA%\" mkdir "%KMSDATA%"
if not exist "%KMSDATA%\" goto nodatafolder
icacls.exe "%KMSDATA%" /inheritance:r /grant:r "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-544:(OI)(CI)F" /Q >nul
if errorlevel 1 goto notlocked
rem From here on paths are expanded with delayed expansion (!...!), after cmd has split the line into commands: an
rem & | < > or ^ in a path (C:\R&D\kms-agent) is then given as written. sc.exe's binPath= wants the path quoted
rem inside its argument, "\"...\"", and cmd has no backslash escape: its \" ends cmd's own quoting, so the path
rem expanded there with percent signs stood outside quotes and an & in the installation folder split the line (the
rem service got "C:\R). Messages name paths the same way, where percent signs broke the echo into commands; the
rem same in the labels below.
setlocal EnableDelayedExpansion
sc.exe create kms-agent binPath= "\"!SERVICE!\"" start= auto DisplayName= "kms-agent" obj= LocalSystem >nul
if errorlevel 1 goto notcreated
sc.exe description kms-agent "Keeps volume-licensed Windows and Office activated and renewed through KMS." >nul
reg.exe add "HKLM\SYSTEM\CurrentControlSet\Services\kms-agent" /v Environment /t REG_MULTI_SZ /s "|" /d "KMSAGENT_CONFIG=!CONFIG!|KMSAGENT_DATA_DIR=!KMSDATA!\data|JAVA_HOME=!JHOME!" /f >nul
if errorlevel 1 goto noenvironment
rem The agent's event source in the Application log: its message table is inside kms-agent-service.exe.
set "SOURCE_KEY=HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\kms-agent"
reg add "!SOURCE_KEY!" /v EventMessageFile /t REG_EXPAND_SZ /d "!SERVICE!" /f >nul
reg add "!SOURCE_KEY!" /v TypesSupported /t REG_DWORD /d 7 /f >nul
echo Installed the service kms-agent (configuration !CONFIG!, Java !JVER! in !JHOME!).
echo Its data folder is !KMSDATA!\data (KMSAGENT_DATA_DIR, which overrides dataDir of the configuration); !KMSDATA! is readable by SYSTEM and Administrators only.
echo Start it with: sc.exe start kms-agent
exit /b 0

:noservice
setlocal EnableDelayedExpansion
>&2 echo install-service: !SERVICE! not found; it is part of the kms-agent installation.
exit /b 1
:noconfig
setlocal EnableDelayedExpansion
>&2 echo install-service: configuration file !CONFIG! not found.
exit /b 1
:badjavahome
setlocal EnableDelayedExpansion
>&2 echo install-service: JAVA_HOME is set to !JAVA_HOME!, but !JAVA_HOME!\bin\java.exe does not exist. Set it to a 64-bit Java 17 or newer installation, or clear it (set JAVA_HOME=) to use java.exe on PATH.
exit /b 1
:nojava
>&2 echo install-service: no Java runtime found. Install a 64-bit Java 17 or newer, or set JAVA_HOME.
exit /b 1
:oldjava
setlocal EnableDelayedExpansion
>&2 echo install-service: Java 17 or newer is needed; !JAVA! is version !JVER!.
exit /b 1
:nojvm
setlocal EnableDelayedExpansion
>&2 echo install-service: !JHOME!\bin\server\jvm.dll not found; the service needs a full 64-bit Java runtime there.
exit /b 1
:noprogramdata
>&2 echo install-service: the variable ProgramData is not set, so there is no %%ProgramData%%\kms-agent for the service's data.
exit /b 1
:nodatafolder
setlocal EnableDelayedExpansion
>&2 echo install-service: could not make the data folder !KMSDATA! (is this prompt elevated?)
exit /b 1
:notlocked
setlocal EnableDelayedExpansion
>&2 echo install-service: could not restrict !KMSDATA! to SYSTEM and Administrators with icacls.exe (is this prompt elevated?); the service was not installed.
exit /b 1
:exists
>&2 echo install-service: the service kms-agent is already installed; remove it first with uninstall-service.cmd.
exit /b 1
:notcreated
>&2 echo install-service: could not create the service kms-agent (is this prompt elevated?)
exit /b 1
:noenvironment
>&2 echo install-service: could not write the service's environment (is this prompt elevated?); removing it again.
sc.exe delete kms-agent >nul 2>&1
exit /b 1
