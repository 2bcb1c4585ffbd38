package org.kmsagent.agent.host;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.kmsagent.agent.daemon.AgentState;
import org.kmsagent.agent.daemon.StateStore;
import org.kmsagent.agent.link.Outbox;

/**
 * The child process of {@link CrashConsistencyTest}: the daemon's three write paths in a light JVM. For each request
 * {@code i}: the host model handles it (one ledger commit), a fleet event is appended to the outbox, the state file is
 * saved (revision {@code i + 1}), and only then {@code ack i} is printed. At start it resumes from what the stores
 * hold, as the daemon does: the ledger's history says how many requests were applied (none is applied again), a
 * missing outbox event or state save for them is made up first. Arguments: data directory, max requests.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int max = Integer.parseInt(args[1]);
        PrintStream out = System.out;
        StateStore store = new StateStore(dir.resolve("state.json"), Clock.systemUTC());
        AgentState state = store.load();
        H2ActivationLedger ledger = H2ActivationLedger.openFile(dir.resolve("ledger"));
        LedgerKmsHost host =
                new LedgerKmsHost(HostConfig.of("crash-test", List.of(HostFixtures.SERVER_2016_KEY), Set.of()), ledger);
        Outbox outbox = new Outbox(dir.resolve("fleet"), "pc-0042");
        int applied = (int) ledger.historySize();
        for (long j = outbox.written(); j < applied; j++) {
            outbox.append("activation", "pc-" + j, new JsonObject().put("i", j));
        }
        if (state.revision() < applied) {
            state = store.save(new AgentState(applied - 1, state.products()));
        }
        out.println("ready " + applied);
        out.flush();
        for (int i = applied; i < max; i++) {
            Instant now = HostFixtures.T0.plus(Duration.ofSeconds(i));
            host.handle(LedgerKillChild.request(i, now), now);
            outbox.append("activation", "pc-" + i, new JsonObject().put("i", i));
            state = store.save(new AgentState(i, state.products()));
            out.println("ack " + i);
            out.flush();
        }
        ledger.close();
        outbox.close();
        out.println("done");
        out.flush();
    }

    private CrashChild() {}
}
