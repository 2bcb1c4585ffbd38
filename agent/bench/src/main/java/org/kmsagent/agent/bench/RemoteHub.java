package org.kmsagent.agent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A hub's process ({@link HubProcess}), started like the agents' ({@link AgentProcess}): this JVM's java and class path,
 * and the flags it inherits ({@link InheritedJvmFlags}: those the launcher gives {@code kms-agent hub} and {@code bench}).
 */
final class RemoteHub {
    private final String name;
    private final Process process;
    private final BufferedReader out;
    private final Path log;
    private final int port;

    private RemoteHub(String name, Process process, BufferedReader out, Path log, int port) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.log = log;
        this.port = port;
    }

    static RemoteHub start(String name, HubSpec spec) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(InheritedJvmFlags.of());
        cmd.addAll(List.of(
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                System.getProperty("java.class.path"),
                HubProcess.class.getName(),
                name));
        cmd.addAll(spec.args());
        Path dataDir = spec.dataDir();
        Files.createDirectories(dataDir);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("ready ")) {
            String status = p.waitFor(5, TimeUnit.SECONDS) ? "exit status " + p.exitValue() : "still running";
            p.destroyForcibly();
            throw new IllegalStateException("hub " + name + "'s process did not get ready (it said " + line + "; "
                    + status + "): " + Files.readString(log));
        }
        return new RemoteHub(name, p, out, log, Integer.parseInt(line.split(" ")[1]));
    }

    int port() {
        return port;
    }

    int connections() throws Exception {
        return Integer.parseInt(ask("connections").split(" ")[1]);
    }

    long[] heap() throws Exception {
        String[] words = ask("heap").split(" ");
        return new long[] {Long.parseLong(words[1]), Long.parseLong(words[2])};
    }

    private synchronized String ask(String command) throws Exception {
        process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        String line = out.readLine();
        if (line == null || !line.startsWith(command + " ")) {
            throw new IllegalStateException(
                    "hub " + name + "'s process said " + line + " to " + command + ": " + Files.readString(log));
        }
        return line;
    }

    /** Asks the hub to close (it leaves the cluster) and waits for its process to exit; kills it if it does not. */
    synchronized void close() {
        try {
            process.getOutputStream().write("close\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
