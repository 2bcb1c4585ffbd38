package org.kmsagent.agent.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bus.view.HostSettingsView;

/** The bus API in-process: request checking, replies, failure codes and events. */
class BusApiTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    private Vertx vertx;
    private InMemoryAgent agent;
    private final List<JsonObject> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        agent = new InMemoryAgent(clock);
        vertx.eventBus()
                .<JsonObject>consumer(BusAddresses.EVENTS, m -> events.add(m.body()))
                .completion()
                .await(10, TimeUnit.SECONDS);
        new BusApi(vertx, agent, new BusEvents(vertx.eventBus(), clock))
                .register()
                .await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private JsonObject request(String address, Object body) throws Exception {
        return (JsonObject) vertx.eventBus()
                .request(address, body)
                .await(10, TimeUnit.SECONDS)
                .body();
    }

    private ReplyException failure(String address, Object body) {
        return catchThrowableOfType(ReplyException.class, () -> request(address, body));
    }

    @Test
    void hostSettingsAreChangedPartiallyAndTheChangeIsPublished() throws Exception {
        JsonObject set = request(BusAddresses.HOST_SETTINGS_SET, new JsonObject().put("renewalIntervalMinutes", 1440));
        assertThat(set.getInteger("renewalIntervalMinutes")).isEqualTo(1440);
        assertThat(set.getInteger("activationIntervalMinutes")).isEqualTo(120);
        assertThat(agent.hostSettings()).isEqualTo(new HostSettingsView(120, 1440, 1688, true));
        assertThat(request(BusAddresses.HOST_SETTINGS_GET, null).getInteger("renewalIntervalMinutes"))
                .isEqualTo(1440);
        Awaitility.await().until(() -> !events.isEmpty());
        assertThat(events.get(0).getString("type")).isEqualTo("host-settings-changed");
        assertThat(events.get(0).getString("at")).isEqualTo("2026-11-28T12:00:00Z");
    }

    @Test
    void anOutOfRangeSettingIsA400NamingItAndChangesNothing() {
        ReplyException e = failure(BusAddresses.HOST_SETTINGS_SET, new JsonObject().put("renewalIntervalMinutes", 5));
        assertThat(e.failureCode()).isEqualTo(BusCodes.BAD_REQUEST);
        assertThat(e.getMessage()).isEqualTo("renewalIntervalMinutes: expected a whole number 15-43200, got 5");
        assertThat(agent.changes()).isZero();
        assertThat(agent.hostSettings().renewalIntervalMinutes()).isEqualTo(10_080);
    }

    /** A number too large for any port (or for an int) is out of range like 70000, not "not a whole number". */
    @Test
    void aPortTooLargeForAnIntIsRefusedAsOutOfRangeLikeAnyOther() {
        for (String address : List.of(BusAddresses.KMS_SET, BusAddresses.HOST_SETTINGS_SET)) {
            JsonObject body = address.equals(BusAddresses.KMS_SET)
                    ? new JsonObject().put("host", "kms.example")
                    : new JsonObject();
            ReplyException huge = failure(address, body.copy().put("port", 99_999_999_999L));
            ReplyException big = failure(address, body.copy().put("port", 70_000));

            assertThat(List.of(huge, big))
                    .allSatisfy(e -> assertThat(e.failureCode()).isEqualTo(BusCodes.BAD_REQUEST));
            assertThat(huge.getMessage())
                    .as(address)
                    .isEqualTo("port: expected a whole number 1-65535, got 99999999999");
            assertThat(big.getMessage()).as(address).isEqualTo("port: expected a whole number 1-65535, got 70000");
        }
        ReplyException interval = failure(
                BusAddresses.HOST_SETTINGS_SET, new JsonObject().put("activationIntervalMinutes", 99_999_999_999L));
        assertThat(interval.getMessage())
                .isEqualTo("activationIntervalMinutes: expected a whole number 15-43200, got 99999999999");
        assertThat(agent.changes()).isZero();
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefused() {
        ReplyException e = failure(BusAddresses.ACTIVATE, "all of them");
        assertThat(e.failureCode()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("body: expected a JSON object, got \"all of them\" (text)");
        assertThat(failure(BusAddresses.PLUGINS_LOAD, new JsonObject().put("path", "/tmp/notes.txt"))
                        .getMessage())
                .isEqualTo("path: expected a .jar file, got /tmp/notes.txt");
        assertThat(failure(
                                BusAddresses.KMS_SET,
                                new JsonObject().put("dns", true).put("host", "x"))
                        .getMessage())
                .isEqualTo("host: not allowed with dns=true");
        assertThat(agent.changes()).isZero();
    }

    @Test
    void aKmsHostThatIsNoHostNameIsA400NamingTheFieldWhateverTheClient() throws Exception {
        ReplyException bang = failure(BusAddresses.KMS_SET, new JsonObject().put("host", "bad!host"));
        ReplyException ip = failure(BusAddresses.KMS_SET, new JsonObject().put("host", "10.0.0.300"));

        assertThat(bang.failureCode()).isEqualTo(BusCodes.BAD_REQUEST);
        assertThat(bang.getMessage())
                .isEqualTo("host: expected a host name or address, got 'bad!host' (a host name is letters, digits,"
                        + " '-' and '_' between dots, no part starting with '-')");
        assertThat(ip.getMessage()).contains("each number of an IPv4 address is 0-255");
        assertThat(agent.changes()).isZero();
    }

    @Test
    void aKmsHostShapedLikeAProductKeyIsRefusedWithoutEchoingTheKey() throws Exception {
        // A key pasted where the host goes was stored in state.json and shown by status, whole.
        ReplyException key =
                failure(BusAddresses.KMS_SET, new JsonObject().put("host", "BCDFG-HJKMP-QRTVW-XY234-6789B"));

        assertThat(key.failureCode()).isEqualTo(BusCodes.BAD_REQUEST);
        assertThat(key.getMessage())
                .isEqualTo("host: expected a host name or address, got 'XXXXX-XXXXX-XXXXX-XXXXX-6789B' (it looks like"
                        + " a product key, not a host name: keys are installed with install-gvlk --key)");
        assertThat(agent.changes()).isZero();
    }

    /**
     * A lookup domain is refused by the agent, whatever client sent it: it used to be stored, and every renewal then
     * failed with "no _vlmcs._tcp record in a b".
     */
    @Test
    void aDnsDomainThatIsNotOneIsA400NamingTheFieldAndWhatADomainIs() throws Exception {
        ReplyException space =
                failure(BusAddresses.KMS_SET, new JsonObject().put("dns", true).put("domain", "a b"));
        ReplyException label =
                failure(BusAddresses.KMS_SET, new JsonObject().put("dns", true).put("domain", "corp..example"));
        ReplyException tooLong = failure(
                BusAddresses.KMS_SET, new JsonObject().put("dns", true).put("domain", "a".repeat(64) + ".example"));

        assertThat(List.of(space, label, tooLong))
                .allSatisfy(e -> assertThat(e.failureCode()).isEqualTo(BusCodes.BAD_REQUEST));
        assertThat(space.getMessage())
                .isEqualTo(
                        "domain: expected a DNS domain, got 'a b' (a DNS domain is labels of letters, digits, hyphens"
                                + " and underscores separated by dots (none starting with a hyphen), at most 253 characters,"
                                + " each label 1-63)");
        assertThat(label.getMessage()).startsWith("domain: expected a DNS domain, got 'corp..example' (");
        assertThat(tooLong.getMessage()).startsWith("domain: expected a DNS domain, got 'aaaa");
        assertThat(agent.changes()).isZero();

        assertThat(request(
                                BusAddresses.KMS_SET,
                                new JsonObject().put("dns", true).put("domain", "corp-2.example."))
                        .getString("kms"))
                .isEqualTo("DNS discovery in corp-2.example.");
    }

    /** The agent's addresses check a body as a hub's fleet addresses do (FleetRequestCheckTest): one wording. */
    @Test
    void aWrongFieldIsRefusedNamingItWhatIsAcceptedAndWhatWasGiven() {
        ReplyException typo = failure(BusAddresses.KMS_SET, new JsonObject().put("hots", "kms.example"));
        ReplyException none = failure(BusAddresses.STATUS, new JsonObject().put("verbose", true));
        ReplyException fraction = failure(
                BusAddresses.KMS_SET, new JsonObject().put("host", "kms").put("port", 1688.5));
        ReplyException flag = failure(BusAddresses.HOST_SETTINGS_SET, new JsonObject().put("publishDns", "yes"));
        ReplyException missing = failure(BusAddresses.PLUGINS_UNLOAD, new JsonObject());
        ReplyException blank = failure(BusAddresses.ACTIVATE, new JsonObject().put("family", " "));

        List<ReplyException> refused = List.of(typo, none, fraction, flag, missing, blank);
        assertThat(refused).allSatisfy(e -> assertThat(e.failureCode()).isEqualTo(400));
        assertThat(refused)
                .extracting(ReplyException::getMessage)
                .containsExactly(
                        "hots: unknown field (accepted: family, host, port, dns, domain)",
                        "verbose: unknown field (accepted: none, send {})",
                        "port: expected a whole number 1-65535, got 1688.5",
                        "publishDns: expected true or false, got \"yes\" (text)",
                        "id: required: a loaded plugin's id",
                        "family: expected a non-empty string, got \" \" (text)");
        assertThat(agent.changes()).isZero();
    }

    @Test
    void anUnexpectedFailureIsA500WithoutItsDetails() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        vertx = Vertx.vertx();
        AgentControl broken = (AgentControl)
                Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgentControl.class}, (p, m, a) -> {
                    throw new IllegalStateException("database password is hunter2");
                });
        new BusApi(vertx, broken, (t, d) -> {}).register().await(10, TimeUnit.SECONDS);
        ReplyException e = failure(BusAddresses.STATUS, null);
        assertThat(e.failureCode()).isEqualTo(500);
        assertThat(e.getMessage()).isEqualTo("internal error; see the agent's log");
    }
}
