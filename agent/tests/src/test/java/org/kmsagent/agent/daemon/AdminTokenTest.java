package org.kmsagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kmsagent.agent.bus.InMemoryAgent;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentFixture.Result;

/**
 * The generated admin token ({@code <dataDir>/admin.token}, no {@code bridge.tokens} configured): a file that holds no
 * token the agent makes (empty, short, spaces inside) is never a credential. It is moved aside and a new token made,
 * and the banner says so; an empty token gets no admin access. The new token and the copy moved aside are readable by
 * their owner only.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX modes; on Windows the folder's ACL protects the file")
class AdminTokenTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private record Started(InMemoryAgent agent, AgentDaemon daemon) {}

    private Started start(Path data) throws Exception {
        InMemoryAgent agent = new InMemoryAgent(CLOCK);
        var config = new ConfigLoader(Map.of()).load(Optional.empty(), List.of("dataDir=" + data, "bridge.port=0"));
        return new Started(agent, AgentDaemon.start(config, ctx -> agent.reportAttemptsTo(ctx.events()), CLOCK));
    }

    private static Result ctl(AgentDaemon daemon, String... tokenAndArgs) {
        return AgentFixture.run(Stream.concat(
                        Stream.of(
                                "ctl", "--agent", "127.0.0.1:" + daemon.bridgePort(), "--trust", daemon.fingerprint()),
                        Stream.of(tokenAndArgs))
                .toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "short-token\n", "two words of a token, long enough\n"})
    void aDamagedTokenFileIsReplacedAndGrantsNothing(String content) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path file = data.resolve("admin.token");
        Files.writeString(file, content);
        // Written by hand, readable by all: the copy moved aside held what was a secret, and is the owner's alone.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Started s = start(data);
        try (AgentDaemon daemon = s.daemon()) {
            assertThat(daemon.banner())
                    .anyMatch(l -> l.startsWith("kms-agent: the admin token in " + file + " was damaged")
                            && l.contains("moved to " + file.resolveSibling("admin.token.damaged-"))
                            && l.contains("a new one was made"));
            String token = Files.readString(file).strip();
            assertThat(token).matches("[A-Za-z0-9_-]{43}");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            Path aside;
            try (Stream<Path> files = Files.list(data)) {
                aside = files.filter(p -> p.getFileName().toString().startsWith("admin.token.damaged-"))
                        .findFirst()
                        .orElseThrow();
            }
            assertThat(Files.readString(aside)).isEqualTo(content);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(aside)))
                    .isEqualTo("rw-------");

            Result withOld = ctl(daemon, "--token", content.strip(), "set-kms", "evil.example.com");
            assertThat(withOld.exit()).as(withOld.toString()).isEqualTo(3);
            assertThat(s.agent().kms("*")).isEmpty();

            Result withNew = ctl(daemon, "--token-file", file.toString(), "set-kms", "kms.example.com");
            assertThat(withNew.exit()).as(withNew.toString()).isZero();
        }
    }

    @Test
    void aGoodTokenFileIsKeptAcrossRestartsWithoutAWord() throws Exception {
        Path data = dir.resolve("data");
        String first;
        try (AgentDaemon daemon = start(data).daemon()) {
            first = Files.readString(data.resolve("admin.token"));
        }
        try (AgentDaemon daemon = start(data).daemon()) {
            assertThat(Files.readString(data.resolve("admin.token"))).isEqualTo(first);
            assertThat(daemon.banner()).noneMatch(l -> l.contains("damaged"));
        }
    }
}
