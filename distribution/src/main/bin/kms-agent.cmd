@echo off
rem kms-agent launcher for Windows. Needs a Java 17 or newer runtime: JAVA_HOME's when it is set, else java.exe on PATH.
rem JVM flags: see docs/performance.md (as bin/kms-agent: run gets a small heap, C1 only and an application class-data
rem archive made at its first clean stop; the short commands C1 and that archive); KMSAGENT_JAVA_OPTS adds or overrides.
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

rem The runtime's home: its release file gives the version and the full runtime version that names the class-data
rem archive (JAVA_VERSION="17.0.2", JAVA_RUNTIME_VERSION="17.0.2+8"), its bin\server\classes.jsa is the base archive.
rem It is the folder above java.exe's when that has a release file: asking java costs a JVM start of its own, as long
rem as a short command's whole run. Otherwise java.exe is not in its runtime's bin folder (Oracle's installer puts
rem C:\Program Files\Common Files\Oracle\Java\javapath, a folder of links, first on PATH), and the runtime is asked, as
rem install-service.cmd asks it: its java.home and java.version properties (-XshowSettings:properties). The version
rem then comes from that home's release file, or from java.version when it has none (and no archive: the runtime's
rem full version would be a guess). The command starts with "call" so that cmd /c, which for /f runs it with, does not
rem strip the quotes around a path with spaces.
set "JVER="
set "JRT="
for %%d in ("%JAVA%") do set "JROOT=%%~dpd.."
if exist "%JROOT%\release" goto versionfromrelease
set "JROOT="
for /f "tokens=1,2,*" %%a in ('call "%JAVA%" -XshowSettings:properties -version 2^>^&1') do if "%%b"=="=" for %%k in (java.home java.version) do if "%%a"=="%%k" if not defined JPROP_%%k set "JPROP_%%k=%%c"
set "JROOT=%JPROP_java.home%"
set "JVER=%JPROP_java.version%"
set "JPROP_java.home="
set "JPROP_java.version="
if not defined JROOT goto versionknown
if not exist "%JROOT%\release" goto versionknown
set "JVER="
:versionfromrelease
for /f "usebackq tokens=1,* delims==" %%a in ("%JROOT%\release") do if "%%a"=="JAVA_VERSION" if not defined JVER set "JVER=%%~b"
for /f "usebackq tokens=1,* delims==" %%a in ("%JROOT%\release") do if "%%a"=="JAVA_RUNTIME_VERSION" if not defined JRT set "JRT=%%~b"
:versionknown
set "JBASE=%JROOT%\bin\server\classes.jsa"
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
rem run and the short commands: C1 only, compiling after ten times the JVM's default counts (as bin/kms-agent;
rem docs/performance.md). simulate, hub and bench keep the JVM's default compilers.
set "C1=-XX:TieredStopAtLevel=1 -XX:Tier3InvocationThreshold=2000 -XX:Tier3MinInvocationThreshold=1000 -XX:Tier3CompileThreshold=20000 -XX:Tier3BackEdgeThreshold=600000"
set "SHORT=1"
if /i "%~1"=="run" set "SHORT="
if /i "%~1"=="simulate" set "SHORT="
if /i "%~1"=="hub" set "SHORT="
if /i "%~1"=="bench" set "SHORT="
if /i "%~1"=="run" set "FLAGS=%FLAGS% -Xss512k %C1% -Xms8m -Xmx64m -XX:ReservedCodeCacheSize=16m -XX:+ExitOnOutOfMemoryError"
if defined SHORT set "FLAGS=%FLAGS% %C1%"
rem The application class-data archive (as bin/kms-agent): valid only for the JVM build that wrote it, so named after
rem the runtime and made on this machine by the first real run, written as a pending archive that is kept only if
rem the agent really started (it then leaves "<pending>.real"; run --help or a refused configuration would leave an
rem archive of a tenth of the classes). The short commands read it when it exists. The service host does the same.
if not defined JRT goto archivedone
set "ARCHIVE=%KMSAGENT_HOME%\lib\kms-agent-run-%JRT%.jsa"
rem The JVM's own messages about the archive (one it cannot use is simply not used) are turned off.
set "QUIETCDS=-Xlog:cds=off -Xlog:cds+dynamic=off"
if /i not "%~1"=="run" goto archiveread
if exist "%ARCHIVE%" goto archiveread
if not exist "%ARCHIVE%.pending" goto archivemake
rem del /f: Java 17 and 21 write the archive read-only (mode 0444), and del leaves a read-only file where it is.
if not exist "%ARCHIVE%.pending.real" del /f "%ARCHIVE%.pending" 2>nul
if not exist "%ARCHIVE%.pending.real" goto archivemake
rem Nor is a pending archive kept that the JVM did not finish writing (killed while it dumped, after the agent marked
rem the run): every later JVM would silently not use it. The service host checks that it starts with the header
rem HotSpot writes last; cmd has no way of its own to read a file's first bytes, so here only an empty one is known
rem to be cut short.
for %%f in ("%ARCHIVE%.pending") do if %%~zf EQU 0 del /f "%ARCHIVE%.pending" 2>nul
if not exist "%ARCHIVE%.pending" goto archivemake
rem The archives of runtimes used before are of no use to this one (about 28 MB each).
del /f "%KMSAGENT_HOME%\lib\kms-agent-run*.jsa" 2>nul
move /y "%ARCHIVE%.pending" "%ARCHIVE%" >nul 2>nul
del "%ARCHIVE%.pending.real" 2>nul
goto archiveread
:archivemake
del "%ARCHIVE%.pending.real" 2>nul
for %%a in (%*) do for %%h in (--help -h --version -V) do if /i "%%~a"=="%%h" goto archivedone
rem Java 17 refuses to start with ArchiveClassesAtExit when it cannot load its runtime's own base archive (under
rem -Xshare:off, or a runtime built without bin\server\classes.jsa): such a run makes no archive rather than not start.
rem Nor does a run with KMSAGENT_JAVA_OPTS, JDK_JAVA_OPTIONS or JAVA_TOOL_OPTIONS, which may hold -Xshare:off: this
rem script cannot look inside them safely (pipe signs and ampersands are read only with delayed expansion, below), and
rem the service makes the archive anyway.
if not exist "%JBASE%" goto archivedone
if defined KMSAGENT_JAVA_OPTS goto archivedone
if defined JDK_JAVA_OPTIONS goto archivedone
if defined JAVA_TOOL_OPTIONS goto archivedone
rem Only where the agent may write beside its jars (an installation under Program Files run by a user cannot).
rem (Whether the file appeared, not the exit code: Wine's cmd, which the tests use, runs "|| ..." after a copy that
rem worked.)
copy /y nul "%ARCHIVE%.pending" >nul 2>nul
if not exist "%ARCHIVE%.pending" goto archivedone
del "%ARCHIVE%.pending" 2>nul
rem No quotes around FLAGS=... on the lines that add the archive: its path is quoted within, and those quotes would end
rem the outer ones, leaving the path outside quotes, where an & in the installation folder (C:\R&D\kms-agent) split
rem the line. FLAGS holds nothing else that cmd reads specially, and these lines end without a space.
set FLAGS=%FLAGS% "-XX:ArchiveClassesAtExit=%ARCHIVE%.pending" "-Dkmsagent.cds.pending=%ARCHIVE%.pending" %QUIETCDS%
goto archivedone
:archiveread
if /i "%~1"=="simulate" goto archivedone
if /i "%~1"=="hub" goto archivedone
if /i "%~1"=="bench" goto archivedone
if exist "%ARCHIVE%" set FLAGS=%FLAGS% "-XX:SharedArchiveFile=%ARCHIVE%" %QUIETCDS%
:archivedone
rem The internal packages Hazelcast asks for at start (hub; bench runs hubs of its own), as bin/kms-agent gives them.
set "HAZELCAST=--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
if /i "%~1"=="hub" set "FLAGS=%FLAGS% %HAZELCAST%"
if /i "%~1"=="bench" set "FLAGS=%FLAGS% %HAZELCAST%"
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

rem The messages name paths with delayed expansion (!...!), read after cmd has split the line: an & | < > or ^ in
rem JAVA_HOME or the path of java.exe (C:\R&D\...) is printed as written, where %...% broke the echo into commands.
:badjavahome
setlocal EnableDelayedExpansion
>&2 echo kms-agent: JAVA_HOME is set to !JAVA_HOME!, but !JAVA_HOME!\bin\java.exe does not exist. Set it to a Java 17 or newer installation, or clear it (set JAVA_HOME=) to use java.exe on PATH.
exit /b 1

:nojava
>&2 echo kms-agent: no Java runtime found. Install Java 17 or newer, or set JAVA_HOME.
exit /b 1

:oldjava
setlocal EnableDelayedExpansion
>&2 echo kms-agent: Java 17 or newer is needed; !JAVA! is version !JVER!.
exit /b 1
