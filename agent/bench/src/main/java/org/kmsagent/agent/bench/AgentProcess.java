package org.kmsagent.agent.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One process of simulated agents ({@link SimulatedAgents}), driven by lines on its standard input. */
record AgentProcess(Process process, BufferedReader out, Path log) implements AutoCloseable {
    static AgentProcess start(String mode, int count, String hubAt, String fingerprint, Path dataDir) throws Exception {
        return start(mode, count, "a", hubAt, fingerprint, dataDir);
    }

    /** The heap of a process of {@code count} simulated agents. */
    private static int heapMb(int count) {
        return Math.max(512, count / 8);
    }

    static AgentProcess start(String mode, int count, String prefix, String hubAt, String fingerprint, Path dataDir)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heapMb(count) + "m",
                // The whole heap from the start, half of it young: 5,000 simulated agents answering fan-outs filled
                // the initial young generation every two seconds, and each collection held back every answer of that
                // process, a pause that real agents, one to a machine, do not share (docs/performance-log.md).
                "-Xms" + heapMb(count) + "m",
                "-Xmn" + heapMb(count) / 2 + "m",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                System.getProperty("java.class.path"),
                SimulatedAgents.class.getName(),
                mode,
                Integer.toString(count),
                prefix,
                hubAt,
                FleetBenchmark.AGENT_TOKEN,
                fingerprint,
                dataDir.toString()));
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("process.log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("ready")) {
            // Its exit status tells a crash (1, with its stack trace in the log) from a kill (137: the OOM
            // killer or another process) when the log is empty.
            String status = p.waitFor(5, TimeUnit.SECONDS) ? "exit status " + p.exitValue() : "still running";
            p.destroyForcibly();
            throw new IllegalStateException("the agents' process did not get ready (it said " + line + "; " + status
                    + "): " + Files.readString(log));
        }
        return new AgentProcess(p, out, log);
    }

    void command(String line) throws Exception {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    String expect(String prefix) throws Exception {
        String line = out.readLine();
        if (line == null || !line.startsWith(prefix)) {
            throw new IllegalStateException(
                    "the agents' process said " + line + " instead of " + prefix + "...: " + Files.readString(log));
        }
        return line;
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
