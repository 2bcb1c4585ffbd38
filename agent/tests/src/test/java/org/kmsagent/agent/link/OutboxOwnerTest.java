package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.fleet.AgentDescription;

/**
 * An outbox belongs to one agent id: a copied data folder (or a cloned machine) must not deliver the first agent's
 * events as the copy's. The outbox of another agent is moved aside whole, never delivered, never deleted.
 */
class OutboxOwnerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:20:30Z"), ZoneOffset.UTC);

    @TempDir
    Path data;

    Path fleet;

    @RegisterExtension
    final OutboxWarnings warned = new OutboxWarnings();

    @BeforeEach
    void folder() {
        fleet = data.resolve("fleet");
    }

    List<String> warnings() {
        return warned.lines();
    }

    /** The data folder's entries other than the outbox's own folder: where outboxes were set aside. */
    List<String> setAside() throws IOException {
        try (Stream<Path> s = Files.list(data)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("fleet"))
                    .sorted()
                    .toList();
        }
    }

    /** srv-01's outbox: three events, the first two acknowledged (kept, and delivered again to a hub that lost them). */
    void srv01Outbox() {
        try (Outbox o = new Outbox(fleet, "srv-01", CLOCK)) {
            o.append("audit", "2026-03-01T00:00:00Z", new JsonObject().put("action", "kmsagent.install-gvlk"));
            o.append("renewal", "2026-03-01T00:00:01Z", new JsonObject().put("n", 2));
            o.append("renewal", "2026-03-01T00:00:02Z", new JsonObject().put("n", 3));
            o.acknowledge(2);
        }
    }

    @Test
    void anOutboxWrittenByAnotherAgentIsSetAsideWholeAndTheNewAgentStartsAnEmptyOne() throws Exception {
        srv01Outbox();
        String events = Files.readString(fleet.resolve("fleet-outbox.jsonl"));
        String acked = Files.readString(fleet.resolve("fleet-outbox.acked"));

        // The data folder copied to make srv-02, which starts with its own id.
        try (Outbox o = new Outbox(fleet, "srv-02", CLOCK)) {
            assertThat(o.size()).as("pending").isZero();
            assertThat(o.written()).isZero();
            assertThat(o.acknowledged()).isZero();
            // What a hub that never heard of srv-02 answers at registration: before, srv-01's retained events (all
            // three) were delivered again, as srv-02's.
            o.registered(0);
            assertThat(o.pending(10)).isEmpty();
            assertThat(o.append("renewal", "2026-03-02T00:00:00Z", null).getLong("seq"))
                    .as("srv-02 numbers its own events from 1")
                    .isEqualTo(1L);
            assertThat(o.setAside()).contains(data.resolve("fleet.from-srv-01.20260301T102030"));
        }
        assertThat(Files.readString(fleet.resolve("fleet-outbox.owner")).trim()).isEqualTo("srv-02");

        assertThat(setAside()).containsExactly("fleet.from-srv-01.20260301T102030");
        Path aside = data.resolve("fleet.from-srv-01.20260301T102030");
        assertThat(Files.readString(aside.resolve("fleet-outbox.jsonl"))).isEqualTo(events);
        assertThat(Files.readString(aside.resolve("fleet-outbox.acked"))).isEqualTo(acked);
        assertThat(Files.readString(aside.resolve("fleet-outbox.owner")).trim()).isEqualTo("srv-01");

        assertThat(warnings())
                .singleElement()
                .asString()
                .contains(
                        "fleet outbox " + fleet,
                        "agent srv-01",
                        "srv-02",
                        "moved to " + aside,
                        "copied data folder",
                        "cloned machine",
                        "fleet duplicates");

        // srv-02 again: its own outbox, kept, nothing more moved.
        try (Outbox o = new Outbox(fleet, "srv-02", CLOCK)) {
            assertThat(o.written()).isEqualTo(1L);
            assertThat(o.size()).isEqualTo(1);
            assertThat(o.setAside()).isEmpty();
        }
        assertThat(setAside()).containsExactly("fleet.from-srv-01.20260301T102030");
        assertThat(warnings()).hasSize(1);
    }

    @Test
    void anOutboxOfAnEarlierVersionWithoutOwnerIsTakenAsTheAgentsOwn() throws Exception {
        // As versions before the owner file wrote it: the events and the acknowledgement, nothing else.
        Files.createDirectories(fleet);
        Files.writeString(fleet.resolve("fleet-outbox.jsonl"), """
                {"seq":1,"type":"a","at":"2026-03-01T00:00:00Z","data":null}
                {"seq":2,"type":"b","at":"2026-03-01T00:00:01Z","data":null}
                """);
        Files.writeString(fleet.resolve("fleet-outbox.acked"), "1");

        try (Outbox o = new Outbox(fleet, "pc-0042", CLOCK)) {
            assertThat(o.pending(10)).extracting(e -> e.getString("type")).containsExactly("b");
            assertThat(o.acknowledged()).isEqualTo(1L);
            assertThat(o.written()).isEqualTo(2L);
            assertThat(o.setAside()).isEmpty();
        }
        assertThat(Files.readString(fleet.resolve("fleet-outbox.owner")).trim()).isEqualTo("pc-0042");
        assertThat(setAside()).isEmpty();
        assertThat(warnings()).isEmpty();

        // From then on it is pc-0042's: another id sets it aside.
        try (Outbox o = new Outbox(fleet, "pc-0043", CLOCK)) {
            assertThat(o.written()).isZero();
        }
        assertThat(setAside()).containsExactly("fleet.from-pc-0042.20260301T102030");
    }

    @Test
    void theSameAgentReopeningItsOutboxKeepsEverything() throws Exception {
        srv01Outbox();
        try (Outbox o = new Outbox(fleet, "srv-01", CLOCK)) {
            assertThat(o.written()).isEqualTo(3L);
            assertThat(o.acknowledged()).isEqualTo(2L);
            assertThat(o.pending(10)).extracting(e -> e.getLong("seq")).containsExactly(3L);
            o.registered(0);
            assertThat(o.pending(10))
                    .as("a hub that lost its view gets the retained events again")
                    .extracting(e -> e.getLong("seq"))
                    .containsExactly(1L, 2L, 3L);
            assertThat(o.setAside()).isEmpty();
        }
        assertThat(setAside()).isEmpty();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aSecondOutboxSetAsideInTheSameSecondGetsAnotherName() throws Exception {
        srv01Outbox();
        new Outbox(fleet, "srv-02", CLOCK).close();
        // The folder copied once more from srv-01 (as it was) and started as srv-02 again.
        Path aside = data.resolve("fleet.from-srv-01.20260301T102030");
        Files.move(fleet, data.resolve("srv-02-own"));
        copy(aside, fleet);
        try (Outbox o = new Outbox(fleet, "srv-02", CLOCK)) {
            assertThat(o.setAside()).contains(data.resolve("fleet.from-srv-01.20260301T102030-2"));
        }
        assertThat(setAside())
                .containsExactly(
                        "fleet.from-srv-01.20260301T102030", "fleet.from-srv-01.20260301T102030-2", "srv-02-own");
    }

    @Test
    void anOwnerFileThatNamesNoAgentSetsTheOutboxAsideUndelivered() throws Exception {
        srv01Outbox();
        Files.writeString(fleet.resolve("fleet-outbox.owner"), "srv 01 / ?\n\n");
        try (Outbox o = new Outbox(fleet, "srv-01", CLOCK)) {
            assertThat(o.written()).isZero();
            assertThat(o.setAside()).contains(data.resolve("fleet.from-unknown-agent.20260301T102030"));
        }
        assertThat(Files.readString(data.resolve("fleet.from-unknown-agent.20260301T102030/fleet-outbox.jsonl")))
                .contains("kmsagent.install-gvlk");
        assertThat(warnings()).singleElement().asString().contains("names no agent id", "srv-01");
    }

    /** A link delivers its outbox as its agent's: it refuses one opened for another id. */
    @Test
    void aLinkRefusesAnOutboxOfAnotherAgent() {
        Vertx vertx = Vertx.vertx();
        try (Outbox o = new Outbox(fleet, "srv-01", CLOCK)) {
            FleetLink.Settings settings = new FleetLink.Settings(
                    List.of("127.0.0.1:18399"), "agent-token", new NetClientOptions(), 60_000, 1_000, 10_000);
            AgentDescription me =
                    new AgentDescription("srv-02", "SRV-02", "client", List.of(), Map.of(), List.of(), 60);
            assertThatThrownBy(() -> new FleetLink(
                            vertx,
                            settings,
                            me,
                            o,
                            (address, body) -> Future.succeededFuture(new JsonObject()),
                            () -> Future.succeededFuture(new JsonObject()),
                            CLOCK))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("agent srv-01's, not agent srv-02's");
        } finally {
            vertx.close();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }
}
