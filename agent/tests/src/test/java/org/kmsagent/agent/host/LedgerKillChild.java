package org.kmsagent.agent.host;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.kmsagent.api.ThresholdClass;

/**
 * The child process of {@link LedgerKillTest}: handles requests against a durable file ledger and prints
 * {@code ack <i>} for each request once {@code handle} has returned, until it is killed or has sent {@code max}.
 * Arguments: ledger file, max requests.
 */
public final class LedgerKillChild {
    /** A threshold high enough that the table (2 x 5000) never evicts during the test. */
    static final ThresholdClass LAB = new ThresholdClass("lab", 5_000);

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int max = Integer.parseInt(args[1]);
        PrintStream out = System.out;
        H2ActivationLedger ledger = H2ActivationLedger.openFile(file);
        LedgerKmsHost host =
                new LedgerKmsHost(HostConfig.of("kill-test", List.of(HostFixtures.SERVER_2016_KEY), Set.of()), ledger);
        out.println("ready");
        out.flush();
        for (int i = 0; i < max; i++) {
            Instant now = HostFixtures.T0.plus(Duration.ofSeconds(i));
            host.handle(request(i, now), now);
            out.println("ack " + i);
            out.flush();
        }
        ledger.close();
        out.println("done");
        out.flush();
    }

    static KmsRequest request(int i, Instant now) {
        return HostFixtures.request(
                i,
                "windows-server",
                "windows",
                HostFixtures.WINDOWS_APP,
                "lab edition",
                HostFixtures.SERVER_2008R2_B,
                LAB,
                now);
    }

    private LedgerKillChild() {}
}
