package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigLoader;

/** A wrong option or file gets one line naming the option (or key) and what is wrong with its value; usage: exit 2. */
class NamedUsageErrorsTest {
    private static final String TRUST = "AB".repeat(32);

    @TempDir
    Path dir;

    private static CliRun ctl(String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "ctl";
        args[1] = "--trust";
        args[2] = TRUST;
        System.arraycopy(options, 0, args, 3, options.length);
        args[args.length - 1] = "status";
        return CliRun.of(args);
    }

    @Test
    void aPortOutOfRangeInAgentIsAUsageErrorNamingAgent() {
        CliRun run = ctl("--token", "t".repeat(20), "--agent", "127.0.0.1:99999");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("kms-agent: --agent: expected HOST, HOST:PORT or [IPv6]:PORT, got '127.0.0.1:99999'"
                        + " (port: expected a whole number 1-65535, got 99999); see 'kms-agent ctl --help'");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "--agent | [::1 | missing ']' after an IPv6 address",
                "--agent | ::1:7688 | an IPv6 address without brackets is ambiguous",
                "--agent | -x:7688 | a host name is letters, digits, '-' and '_' between dots, no part starting with '-'",
                "--hub | \"hub a:7688\" | a host name has no spaces or control characters",
            })
    void aMachineThatIsNoHostAndPortIsAUsageErrorNamingTheOptionNotAFailedConnection(
            String option, String value, String problem) {
        // These reached the network before, and failed there in the socket's words ("cannot talk to the agent at
        // [::1: [:", exit 3).
        CliRun run = ctl("--token", "t".repeat(20), option, value);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().strip())
                .startsWith("kms-agent: " + option + ": expected HOST, HOST:PORT or [IPv6]:PORT, got '" + value)
                .contains("' (" + problem)
                .doesNotContain("cannot talk");
    }

    @Test
    void aNegativeTimeoutIsAUsageErrorNamingTimeout() {
        CliRun run = ctl("--token", "t".repeat(20), "--timeout", "-1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--timeout: expected a whole number of seconds 1-3600, got -1");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ctl --timeout 99999999999 status | --timeout: expected a whole number of seconds 1-3600",
                "ctl fleet expiring --days 99999999999 | --days: expected a whole number of days 0-3650",
                "ctl fleet pools --horizon-days 99999999999 | --horizon-days: expected a whole number of days 1-3650",
                "ctl fleet snapshot --out s.json --days 99999999999 | --days: expected a whole number of days 1-3650",
                "ctl audit --limit 99999999999 | --limit: expected a whole number 1-10000",
                "ctl watch --count 99999999999 | --count: expected a whole number of events 1-2147483647",
                "doctor --timeout-ms 99999999999 | --timeout-ms: expected a whole number of milliseconds 1-60000",
                "token hash --iterations 99999999999 | --iterations: expected a whole number 10000-2000000",
                "simulate --clients 99999999999 | --clients: expected a whole number of machines 0-1000000",
                "simulate --clients 3 --days 99999999999 | --days: expected a whole number of days 1-3650",
                "bench --agents 99999999999 | --agents: expected a whole number of agents 1-2147483647"
            })
    void aNumberTooLargeForAnyIntIsRefusedInTheWordsOfTheOptionsRange(String command, String refusal) {
        // Not picocli's "Invalid value for option '--days': '99999999999' is not an int": one wording for a value out
        // of the option's range however far out, as a bus field or a dashboard query parameter words it.
        CliRun run = CliRun.of(command.split(" "));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(refusal + ", got 99999999999").doesNotContain("is not an int");
    }

    @Test
    void aSeedPastWhatALongHoldsIsRefusedInTheWordsOfEveryWholeNumberOption() {
        // Not picocli's "'99999999999999999999' is not a long"; a range from below zero is written with "to".
        CliRun run = CliRun.of("simulate", "--clients", "3", "--seed", "99999999999999999999");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines().findFirst())
                .hasValue("kms-agent: --seed: expected a whole number -9223372036854775808 to 9223372036854775807, "
                        + "got 99999999999999999999; see 'kms-agent simulate --help'");
    }

    @Test
    void aWholeNumberOptionGivenTextIsRefusedInTheSameWords() {
        CliRun run = CliRun.of("ctl", "fleet", "expiring", "--days", "soon");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--days: expected a whole number of days 0-3650, got 'soon'");
    }

    @Test
    void aTokenFileThatIsADirectoryOrEmptyIsSaidToBeSo() throws Exception {
        CliRun folder = ctl("--token-file", dir.toString());
        assertThat(folder.exitCode()).isEqualTo(2);
        assertThat(folder.err())
                .contains("--token-file: " + dir + " is a directory")
                .doesNotContain("IOException");
        CliRun empty = ctl(
                "--token-file",
                Files.writeString(dir.resolve("admin.token"), "\n").toString());
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("--token-file: " + dir.resolve("admin.token") + " is empty");
    }

    @Test
    void aConfigurationThatIsADirectoryOrADeviceIsSaidToBeSoNotMissing() {
        ConfigLoader loader = new ConfigLoader(Map.of());
        assertThatThrownBy(() -> loader.load(Optional.of(dir), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir + ": is a directory, not a configuration file");
        assertThatThrownBy(() -> loader.load(Optional.of(Path.of("/dev/null")), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/dev/null: is not a regular file");
    }

    @Test
    void aDataDirThatIsAFileIsAConfigurationErrorNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Optional.empty(), List.of("dataDir=" + file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dataDir: " + file + ": not a directory");
    }

    @Test
    void anUncaughtFileFailureNamesThePathAndWhatIsWrong() {
        assertThat(Failures.describe(new FileAlreadyExistsException("/tmp/x/afile")))
                .startsWith("/tmp/x/afile: already exists");
    }
}
