package org.kmsagent.distribution;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Windows commands under Wine, in a Wine prefix of its own under target/ (made on first use), for the tests of
 * the Windows launchers and service scripts. Wine and mingw-w64 are required, never skipped: .ci/run installs them.
 * Every call is bounded in time; a call that overruns is killed and fails its test.
 */
final class WineCmd {
    static final Path TARGET =
            Path.of(System.getProperty("kmsagent.target", "target")).toAbsolutePath();
    static final Path PREFIX = TARGET.resolve("wine-prefix");
    /** C:\ of the prefix. */
    static final Path DRIVE_C = PREFIX.resolve("drive_c");

    private static final long PREFIX_TIMEOUT_SECONDS = 240;
    private static final long CALL_TIMEOUT_SECONDS = 60;
    private static final int SERVER_LINGER_SECONDS = 120;
    private static boolean ready;

    /** What a command printed and returned. */
    record Result(int exit, String out, String err) {
        String both() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private WineCmd() {}

    /** Fails the calling test, with what to install, when a tool is missing. */
    static void requireTool(String tool, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is not installed: these tests run the Windows scripts under Wine and need Debian's package "
                + debianPackage + ". .ci/run installs it (apt-get install " + debianPackage + ").");
    }

    /** Makes the Wine prefix once per test JVM (the first start of Wine takes some seconds). */
    static synchronized void ensurePrefix() {
        if (ready) {
            return;
        }
        requireTool("wine", "wine");
        Result r = run(Map.of(), PREFIX_TIMEOUT_SECONDS, "cmd", "/c", "echo", "wine-ready");
        if (r.exit() != 0 || !r.out().contains("wine-ready")) {
            fail("Wine could not run cmd.exe in " + PREFIX + ":\n" + r.both());
        }
        keepServerRunning();
        ready = true;
    }

    /**
     * Replaces the wineserver that the first call started (it stops, with services.exe, three seconds after its last
     * process) by one that stays up while the tests run. Otherwise every call that comes after a pause starts Wine's
     * system processes again, and a call made while they start can fail inside Wine: {@code sc.exe query} finding no
     * service that exists, or Wine's loader answering "ShellExecuteEx failed: Internal error" for cmd.exe itself. It
     * stops by itself {@value #SERVER_LINGER_SECONDS} s after the last call, and at once when the test JVM ends.
     */
    private static void keepServerRunning() {
        server(PREFIX_TIMEOUT_SECONDS, "-w");
        server(PREFIX_TIMEOUT_SECONDS, "-p" + SERVER_LINGER_SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server(10, "-k")));
    }

    private static void server(long timeoutSeconds, String option) {
        ProcessBuilder pb = new ProcessBuilder("wineserver", option);
        wineEnvironment(pb.environment());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("wineserver " + option + " did not finish within " + timeoutSeconds + " s");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void wineEnvironment(Map<String, String> e) {
        e.put("WINEPREFIX", PREFIX.toString());
        e.put("WINEDEBUG", "-all");
        // No Mono or Gecko download prompts, no window: none of this needs them.
        e.put("WINEDLLOVERRIDES", "mscoree,mshtml=");
        e.remove("DISPLAY");
        e.remove("WAYLAND_DISPLAY");
        // The build's own Java must not leak into the Windows side's JAVA_HOME.
        e.remove("JAVA_HOME");
        e.remove("KMSAGENT_JAVA_OPTS");
        e.remove("JDK_JAVA_OPTIONS");
        e.remove("JAVA_TOOL_OPTIONS");
        e.remove("WINEPATH");
    }

    /** Runs {@code wine <args>}; {@code env} adds variables, and a null value removes one. */
    static Result run(Map<String, String> env, long timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>();
        command.add("wine");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> e = pb.environment();
        wineEnvironment(e);
        env.forEach((k, v) -> {
            if (v == null) {
                e.remove(k);
            } else {
                e.put(k, v);
            }
        });
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = pump(p.getInputStream(), out);
            Thread r = pump(p.getErrorStream(), err);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail("wine " + String.join(" ", args) + " did not finish within " + timeoutSeconds + " s");
            }
            o.join(5000);
            r.join(5000);
            return new Result(p.exitValue(), text(out), text(err));
        } catch (IOException e1) {
            throw new UncheckedIOException(e1);
        } catch (InterruptedException e1) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e1);
        }
    }

    /**
     * Runs one command line the way a user types it at a Windows prompt: the line is written to a batch file on C:
     * that {@code cmd /c} runs, so quoting is exactly a prompt's and not that of cmd /c's own command line. The line
     * is the batch file's last, so a script it names hands its exit code to cmd (Wine 8's {@code call} turns a
     * called script's {@code exit /b N} into 1; Windows' does not).
     */
    static Result cmd(Map<String, String> env, String commandLine) {
        ensurePrefix();
        Path driver = onC("C:\\kms-tests\\line-" + (++lines) + ".cmd");
        try {
            Files.createDirectories(driver.getParent());
            Files.writeString(driver, "@echo off\r\n" + commandLine + "\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] args = {"cmd", "/c", "C:\\kms-tests\\" + driver.getFileName()};
        Result r = run(env, CALL_TIMEOUT_SECONDS, args);
        String failure = WINE_LOADER_FAILURES.stream()
                .filter(f -> r.both().contains(f))
                .findFirst()
                .orElse(null);
        if (failure != null) {
            // Wine's own loader, not the script (which never prints these), failed to start a process: seen once in
            // some hundred CI calls each. One more try; a script that fails this way every time still fails its test.
            System.err.println("WineCmd: Wine's loader failed (" + failure + "); running again: " + commandLine);
            return run(env, CALL_TIMEOUT_SECONDS, args);
        }
        return r;
    }

    /**
     * What Wine prints when it fails to start a process the script names: its loader's error, and cmd's answer when
     * starting a program that exists failed (in the CI run of 2026-12-05 14:11, for the stand-in java.exe every other
     * call of the run started: LauncherWineIT passed alone three times after it).
     */
    private static final List<String> WINE_LOADER_FAILURES =
            List.of("ShellExecuteEx failed", "as an internal or external command, or batch script");

    private static int lines;

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(to);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The Unix path of a Windows path on C: of the prefix, e.g. {@code C:\Program Files\x}. */
    static Path onC(String windowsPath) {
        if (!windowsPath.regionMatches(true, 0, "C:\\", 0, 3)) {
            throw new IllegalArgumentException(windowsPath);
        }
        Path p = DRIVE_C;
        for (String part : windowsPath.substring(3).split("\\\\")) {
            if (!part.isEmpty()) {
                p = p.resolve(part);
            }
        }
        return p;
    }

    /** The stand-in java.exe (src/test/c/java-standin.c), built with mingw-w64 once per test JVM. */
    static synchronized Path standInJava() {
        return standIn("java-standin.c", "standin/java.exe");
    }

    /** The stand-in jvm.dll (src/test/c/jvm-standin.c) the service host loads, built once per test JVM. */
    static synchronized Path standInJvm() {
        return standIn("jvm-standin.c", "standin/jvm.dll", "-shared");
    }

    private static Path standIn(String source, String output, String... flags) {
        Path made = TARGET.resolve(output);
        Path c = Path.of(System.getProperty("kmsagent.basedir", "."))
                .resolve("src/test/c")
                .resolve(source);
        try {
            // Made again when its source changed since: target/ outlives a change of the stand-in.
            if (Files.isRegularFile(made)
                    && Files.getLastModifiedTime(made).compareTo(Files.getLastModifiedTime(c)) >= 0) {
                return made;
            }
            requireTool("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64");
            Files.createDirectories(made.getParent());
            List<String> command = new ArrayList<>(List.of("x86_64-w64-mingw32-gcc", "-O2", "-s"));
            command.addAll(List.of(flags));
            command.addAll(List.of("-o", made.toString(), c.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("could not build the stand-in " + made.getFileName() + ":\n" + log);
            }
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A Java "installation" at {@code home} (a Windows path on C:) whose bin\java.exe is the stand-in reporting
     * {@code version}; a null version makes one that reports none. It also gets an empty bin\server\jvm.dll, where the
     * service host looks for the JVM. Returns the Unix path of its home.
     */
    static Path javaHome(String home, String version) {
        Path dir = onC(home);
        try {
            Files.createDirectories(dir.resolve("bin/server"));
            Files.copy(standInJava(), dir.resolve("bin/java.exe"), StandardCopyOption.REPLACE_EXISTING);
            Path v = dir.resolve("bin/java-version.txt");
            if (version == null) {
                Files.deleteIfExists(v);
            } else {
                Files.writeString(v, version + "\r\n");
            }
            Path jvm = dir.resolve("bin/server/jvm.dll");
            if (!Files.exists(jvm)) {
                Files.createFile(jvm);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A folder of links to a runtime's java.exe, as Oracle's installer puts
     * {@code C:\Program Files\Common Files\Oracle\Java\javapath} first on PATH: the stand-in java.exe at
     * {@code folder} reporting {@code version}, and {@code home} as its java.home (none when {@code home} is empty), as
     * a link there reports the runtime it leads to. Returns the Unix path of the folder.
     */
    static Path javaLinks(String folder, String home, String version) {
        Path dir = onC(folder);
        try {
            Files.createDirectories(dir);
            Files.copy(standInJava(), dir.resolve("java.exe"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("java-version.txt"), version + "\r\n");
            Files.writeString(dir.resolve("java-home.txt"), home.isEmpty() ? "" : home + "\r\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gives the Java "installation" at {@code home} the release file a JDK has beside bin\ ({@code JAVA_VERSION} and
     * {@code JAVA_RUNTIME_VERSION}, quoted, with the LF line ends a JDK's has on Windows too).
     */
    static void release(String home, String javaVersion, String runtimeVersion) {
        try {
            Files.writeString(
                    onC(home).resolve("release"),
                    "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_RUNTIME_VERSION=\"" + runtimeVersion + "\"\nJAVA_VERSION=\""
                            + javaVersion + "\"\nOS_ARCH=\"x86_64\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of the assembled installation's bin\ (target/kms-agent/bin, the .cmd files as shipped, CRLF) at
     * {@code home} on C:, with an empty lib\ and conf\agent.yaml. Returns the Unix path of its home.
     */
    static Path installation(String home) {
        Path dir = onC(home);
        Path bin = TARGET.resolve("kms-agent/bin");
        if (!Files.isDirectory(bin)) {
            fail(bin + " is missing: run the distribution module's package phase first");
        }
        try {
            Files.createDirectories(dir.resolve("bin"));
            Files.createDirectories(dir.resolve("lib"));
            Files.createDirectories(dir.resolve("conf"));
            try (var files = Files.list(bin)) {
                for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".cmd"))::iterator) {
                    Files.copy(f, dir.resolve("bin").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path conf = dir.resolve("conf/agent.yaml");
            if (!Files.exists(conf)) {
                Files.writeString(conf, "licensing: auto\r\n");
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
