package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arguments picocli refuses are answered, for every command alike, with the reason on one line and where the help
 * is, exit 2: not with the whole help, which buried the reason (it took 40 lines for {@code simulate --ledger foo}).
 */
class UsageErrorsTest {
    @Test
    void aBadValueOfAnEnumOptionNamesTheOptionTheValueAndTheAcceptedValuesOnOneLine() {
        CliRun run = CliRun.of("simulate", "--ledger", "foo");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .isEqualTo("kms-agent: Invalid value for option '--ledger': expected one of [h2, memory]"
                        + " (case-sensitive) but was 'foo'; see 'kms-agent simulate --help'" + System.lineSeparator());
    }

    @Test
    void anUnknownOptionOfAnyCommandIsOneLineWithThatCommandsHelpNamed() {
        CliRun products = CliRun.of("products", "--no-such-flag");
        assertThat(products.exitCode()).isEqualTo(2);
        assertThat(products.err())
                .isEqualTo("kms-agent: Unknown option: '--no-such-flag'; see 'kms-agent products --help'"
                        + System.lineSeparator());

        CliRun setKms = CliRun.of("ctl", "set-kms", "--no-such-flag");
        assertThat(setKms.exitCode()).isEqualTo(2);
        assertThat(setKms.err())
                .isEqualTo("kms-agent: Unknown option: '--no-such-flag'; see 'kms-agent ctl set-kms --help'"
                        + System.lineSeparator());
    }

    @Test
    void aMessageThatAlreadySaysWhereTheHelpIsIsNotGivenASecondHint() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("kms-agent: Missing a command; see 'kms-agent --help'" + System.lineSeparator());
    }

    @Test
    void aMessageEndingInAFullStopGetsTheHintAfterItsLastWord() {
        CliRun run = CliRun.of("token");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("kms-agent: Missing a token command: hash or new; see 'kms-agent token --help'"
                        + System.lineSeparator());
    }

    @Test
    void aMistypedCommandStillGetsItsSuggestion() {
        CliRun run = CliRun.of("statsu");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("kms-agent: 'statsu' is not a command of 'kms-agent'; see 'kms-agent --help'")
                .contains("Did you mean: kms-agent status")
                .doesNotContain("Usage:");
    }

    @Test
    void onlyCloseNamesAreSuggestedAndARootCommandTypedUnderCtlIsShownWhereItIs() {
        // picocli alone answered 'ctl products' with "Did you mean: ctl activate?", a command that changes state.
        CliRun products = CliRun.of("ctl", "products");
        assertThat(products.exitCode()).isEqualTo(2);
        assertThat(products.err())
                .contains("'products' is a command of kms-agent itself, not of 'kms-agent ctl': kms-agent products")
                .doesNotContain("Did you mean", "activate");
        // Said as 'ctl help nosuch' says it; picocli alone said "Unmatched argument at index 1", and its help command
        // "Unknown subcommand 'nosuch'".
        assertThat(CliRun.of("ctl", "nosuch").err())
                .startsWith("kms-agent: 'nosuch' is not a command of 'kms-agent ctl'; see 'kms-agent ctl --help'");
        assertThat(CliRun.of("ctl", "help", "nosuch").err())
                .startsWith("kms-agent: 'nosuch' is not a command of 'kms-agent ctl'; see 'kms-agent ctl --help'");
        CliRun help = CliRun.of("help", "nosuch");
        assertThat(help.exitCode()).isEqualTo(2);
        assertThat(help.err())
                .startsWith("kms-agent: 'nosuch' is not a command of 'kms-agent'; see 'kms-agent --help'");
        CliRun typo = CliRun.of("ctl", "stauts");
        assertThat(typo.err()).contains("Did you mean: kms-agent ctl status?").doesNotContain("host", "install-gvlk");
        CliRun option = CliRun.of("status", "--jsn");
        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.err()).contains("Did you mean: --json?");
        // Two letters swapped share no letter pair with the name: picocli never offered it to be judged.
        assertThat(CliRun.of("hbu").err()).contains("Did you mean: kms-agent hub?");
        assertThat(CliRun.of("status", "--josn").err()).contains("Did you mean: --json?");
    }

    @Test
    void aFamilyTypedWithoutItsOptionIsShownHowToNameIt() {
        // As one types 'gvlk EDITION'; picocli alone said only "Unmatched argument".
        CliRun products = CliRun.of("products", "office2024");
        assertThat(products.exitCode()).isEqualTo(2);
        assertThat(products.err().strip())
                .isEqualTo("kms-agent: Unmatched argument at index 1: 'office2024' (a family is named with --family:"
                        + " --family office2024); see 'kms-agent products --help'");
        // A command without --family, or a word that is no family id, gets no such hint.
        assertThat(CliRun.of("status", "office2024").err()).doesNotContain("--family");
        assertThat(CliRun.of("products", "Office 2024").err()).doesNotContain("--family");
    }

    @Test
    void ctlRoutingOptionsThatCannotWorkAreRefusedBeforeAnythingIsDialled() throws IOException {
        // A loopback port nothing listens on: were the options checked after connecting, each would end
        // "cannot talk to the hub" (exit 3), as they did, and the user would start the hub to learn of a typing error.
        String closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = "127.0.0.1:" + socket.getLocalPort();
        }
        List<String> head = List.of("ctl", "--hub", closed, "--trust", "AB".repeat(32), "--token", "t");

        CliRun both = ctl(head, "--target", "pc-1", "--all-agents", "status");
        CliRun tooLong = ctl(head, "--all-agents", "--deadline", "100", "status");
        CliRun unrouted = ctl(head, "--deadline", "3", "status");

        assertThat(List.of(both, tooLong, unrouted)).allSatisfy(r -> {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).doesNotContain("cannot talk");
        });
        // One prefix for every usage error, picocli's or ctl's own, and where ctl's options are described.
        assertThat(both.err().strip())
                .isEqualTo("kms-agent: give --target or --all-agents, not both; see 'kms-agent ctl --help'");
        assertThat(tooLong.err()).contains("--deadline: expected seconds from 0.001 to 55", "got 100");
        assertThat(unrouted.err().strip())
                .isEqualTo("kms-agent: --deadline is how long a hub waits for agents: it goes with --target or"
                        + " --all-agents; see 'kms-agent ctl --help'");
        // The same options, rightly given, get as far as dialling.
        assertThat(ctl(head, "--all-agents", "--deadline", "3", "status").err()).contains("cannot talk to the hub");

        // A hub routes requests, not an agent's event stream: said before dialling, as a usage error.
        for (List<String> routing : List.of(List.of("--target", "pc-1"), List.of("--all-agents"))) {
            List<String> args = new ArrayList<>(routing);
            args.add("watch");
            CliRun watch = ctl(head, args.toArray(String[]::new));
            assertThat(watch.exitCode()).as(watch.err()).isEqualTo(2);
            assertThat(watch.err())
                    .contains("watch does not go through a hub to agents")
                    .contains("fleet history --target AGENT_ID")
                    .doesNotContain("cannot talk");
        }
        // Nor the hub's own commands, nor an agent's audit log: the hub refused them after connecting, naming its
        // internal addresses (400) or that --target was missing when it was typed before the command.
        CliRun history = ctl(head, "--target", "pc-1", "fleet", "history");
        CliRun expiring = ctl(head, "--all-agents", "fleet", "expiring");
        CliRun audit = ctl(head, "--target", "pc-1", "audit");
        assertThat(List.of(history, expiring, audit)).allSatisfy(r -> {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err())
                    .contains("does not go through a hub to agents: --target and --all-agents go with an agent's own"
                            + " commands")
                    .doesNotContain("cannot talk", "Missing required option");
        });
        assertThat(history.err())
                .startsWith("kms-agent: fleet history does not go through")
                .contains("(status, host, activate, set-kms, clear-kms, install-gvlk, plugins)")
                .contains("one agent's history is 'fleet history --target AGENT_ID', the option after the command");
        assertThat(audit.err()).contains("'fleet audit --agent AGENT_ID'");
        assertThat(ctl(head, "fleet", "history").err()).contains("Missing required option: '--target=AGENT_ID'");
        // ctl's --agent HOST:PORT typed after 'fleet audit' is that command's agent id filter: said, not dialled.
        CliRun misplaced = ctl(head, "fleet", "audit", "--agent", "127.0.0.1:17790");
        assertThat(misplaced.exitCode()).isEqualTo(2);
        assertThat(misplaced.err())
                .contains(
                        "--agent: after 'fleet audit' it is the id of the agent whose records to show",
                        "got '127.0.0.1:17790'",
                        "ctl --hub HOST:PORT fleet audit")
                .doesNotContain("cannot talk");
    }

    @Test
    void ctlTokenAndTokenFileTogetherAreAUsageErrorBeforeAnythingIsDialled(@TempDir Path dir) throws IOException {
        // --token won silently over --token-file, though the synopsis says [--token T | --token-file F].
        Path file = Files.writeString(dir.resolve("admin.token"), "from-the-file-0123456789\n");
        String closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = "127.0.0.1:" + socket.getLocalPort();
        }
        List<String> head = List.of("ctl", "--agent", closed, "--trust", "AB".repeat(32));

        CliRun both = ctl(head, "--token", "typed-0123456789", "--token-file", file.toString(), "status");

        assertThat(both.exitCode()).as(both.err()).isEqualTo(2);
        assertThat(both.err().strip())
                .isEqualTo("kms-agent: give --token or --token-file, not both; see 'kms-agent ctl --help'");
        // Either alone gets as far as dialling.
        assertThat(ctl(head, "--token-file", file.toString(), "status").err()).contains("cannot talk to the agent");
    }

    @Test
    void aCtlCommandsOwnUsageErrorIsWordedAsPicocliOnes() {
        CliRun keyAlone = CliRun.of("ctl", "install-gvlk", "--key", "NPPR9-FWDCX-D2C8J-H872K-2YT43");

        assertThat(keyAlone.exitCode()).isEqualTo(2);
        assertThat(keyAlone.err().strip())
                .isEqualTo("kms-agent: --key needs --family; see 'kms-agent ctl install-gvlk --help'");
    }

    private static CliRun ctl(List<String> head, String... args) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }
}
