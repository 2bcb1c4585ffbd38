package org.kmsagent.agent.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.kmsagent.agent.hub.HubServer;

/**
 * One hub of the fleet benchmark in a process of its own, as an administrator runs each hub ({@code kms-agent hub}):
 * {@code NAME DATA_DIR BRIDGE_PORT CERT KEY CLUSTER MEMBERS(comma) HAZELCAST_PORT MAX_CONNECTIONS}. It starts a
 * {@link HubServer} with the benchmark's configuration ({@link HubSpec}) and prints
 * {@code ready PORT FINGERPRINT}; then answers lines on standard input: {@code connections} with
 * {@code connections N}, {@code heap} with {@code heap BYTES N} (its heap in use after full collections, and its
 * connections). {@code close}, or the end of its standard input, closes the hub (it leaves the cluster) and exits.
 */
public final class HubProcess {
    private HubProcess() {}

    public static void main(String[] args) {
        ChildMain.run(args, HubProcess::run);
    }

    private static void run(String[] args) throws Exception {
        HubServer hub = HubServer.start(HubSpec.parse(args, 1).config(), args[0], Clock.systemUTC());
        System.out.println("ready " + hub.port() + " " + hub.fingerprint());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.equals("close"); ) {
            if (line.equals("connections")) {
                System.out.println("connections " + hub.connections());
            } else if (line.equals("heap")) {
                long heap = ProcessMemory.heapAfterGc();
                System.out.println("heap " + heap + " " + hub.connections());
            } else {
                System.out.println("unknown " + line);
            }
            System.out.flush();
        }
        hub.close();
        System.out.println("closed");
        System.out.flush();
        System.exit(0);
    }
}
