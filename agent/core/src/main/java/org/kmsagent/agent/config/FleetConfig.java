package org.kmsagent.agent.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmsagent.agent.core.BoundedInput;

/**
 * Fleet membership: for an agent, the hubs it dials out to; for a hub ({@code kms-agent hub}), how it clusters with
 * the other hubs. See {@code docs/fleet.md}.
 *
 * @param hubs the hubs' bridges as {@code host:port}, tried in order; empty means the agent stays alone
 * @param agentId this agent's id in the fleet; defaults to the machine's host name
 * @param token the agent's token on the hubs (a {@code read} token named in the hubs' {@code fleet.agentTokens});
 *     write {@code ${ENV_NAME}} to keep it out of the file
 * @param trust the hubs' certificate SHA-256 fingerprints (any one matches), or empty when {@code caFile} is used;
 *     read once, here, into the printed form that pins compare ({@link CertificateFingerprint}): an entry that is no
 *     fingerprint is kept as written, for {@link #problems} to name
 * @param caFile PEM file of the CA that issued the hubs' certificates, or null
 * @param heartbeatSeconds how often the agent tells its hub it is alive; a hub counts an agent gone after three
 * @param reconnectMaxSeconds the longest wait between two reconnection attempts (backoff doubles up to it)
 * @param agentTokens on a hub: the shared token names that may act as agents (register, report events, receive
 *     commands) — only when {@code allowSharedAgentTokens} is true
 * @param allowSharedAgentTokens on a hub: whether the shared {@code agentTokens} still work (the migration mode; any
 *     holder of such a token can speak as any agent). Off by default: each agent needs its own enrolled credential
 * @param cluster on a hub: how hubs find one another
 */
public record FleetConfig(
        List<String> hubs,
        String agentId,
        String token,
        List<String> trust,
        String caFile,
        Integer heartbeatSeconds,
        Integer reconnectMaxSeconds,
        List<String> agentTokens,
        ClusterConfig cluster,
        Boolean allowSharedAgentTokens) {

    /** What starts an agent's own credential, {@code kma1.<agentId>.<secret>}, as {@code ctl fleet enroll} makes it. */
    public static final String ENROLLED_TOKEN_PREFIX = "kma1.";

    /**
     * What an agent id is, the one rule for an agent's {@code fleet.agentId} and for the ids a hub enrols, routes to
     * and files events under: {@link #AGENT_ID_RULE} in words.
     */
    public static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** {@link #AGENT_ID} as an error message says it. */
    public static final String AGENT_ID_RULE =
            "letters, digits, '.', '_', '-'; at most 64, starting with a letter or digit";

    public FleetConfig {
        hubs = hubs == null ? List.of() : List.copyOf(hubs);
        trust = trust == null
                ? List.of()
                : trust.stream()
                        .map(t -> CertificateFingerprint.printed(t).orElse(t))
                        .toList();
        heartbeatSeconds = Objects.requireNonNullElse(heartbeatSeconds, 10);
        reconnectMaxSeconds = Objects.requireNonNullElse(reconnectMaxSeconds, 60);
        agentTokens = agentTokens == null ? List.of("agents") : List.copyOf(agentTokens);
        cluster = Objects.requireNonNullElseGet(cluster, () -> new ClusterConfig(null, null, null, null, null, null));
        allowSharedAgentTokens = Objects.requireNonNullElse(allowSharedAgentTokens, false);
    }

    static FleetConfig defaults() {
        return new FleetConfig(null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * How a hub joins the others (Hazelcast TCP-IP join; multicast is never used).
     *
     * @param name the cluster name; hubs with another name never merge (use one per fleet)
     * @param members the other hubs' Hazelcast addresses, {@code host} or {@code host:port}
     * @param interfaces the local interfaces Hazelcast may bind, e.g. {@code 10.1.2.*}
     * @param port the Hazelcast member port (the next free one above it when taken)
     * @param publicHost the address other hubs reach this one's event bus at
     * @param eventBusPort the TCP port of this hub's clustered event bus (routed commands and replies between hubs);
     *     fixed so that a firewall rule can admit the other hubs to it; {@code 0} picks a free one (tests only)
     */
    public record ClusterConfig(
            String name,
            List<String> members,
            List<String> interfaces,
            Integer port,
            String publicHost,
            Integer eventBusPort) {
        /** Hazelcast tries this many member ports from {@code port} on when one is taken. */
        public static final int MEMBER_PORT_COUNT = 50;
        /** The default event-bus port: above Hazelcast's default member range (5701-5750). */
        public static final int DEFAULT_EVENT_BUS_PORT = 5801;

        public ClusterConfig {
            name = Objects.requireNonNullElse(name, "kms-agent-fleet");
            port = Objects.requireNonNullElse(port, 5701);
            // With its port: for a member without one Hazelcast also tries the two ports after it, and logs each it
            // finds no member on as "added to the blacklist" at every start. A port out of range is refused under its
            // own key alone.
            boolean validPort = port >= HostPort.MIN_PORT && port <= HostPort.MAX_PORT;
            members = members == null ? List.of(validPort ? "127.0.0.1:" + port : "127.0.0.1") : List.copyOf(members);
            interfaces = interfaces == null ? List.of("127.0.0.1") : List.copyOf(interfaces);
            publicHost = Objects.requireNonNullElse(publicHost, "127.0.0.1");
            eventBusPort = Objects.requireNonNullElse(eventBusPort, DEFAULT_EVENT_BUS_PORT);
        }

        /** One part of an interface pattern: a number, {@code *} or a range like {@code 10-20}. */
        private static final Pattern OCTET = Pattern.compile("\\*|(\\d{1,3})(?:-(\\d{1,3}))?");

        /**
         * What Hazelcast would otherwise fail on with a stack trace or a wrong diagnosis much later, each entry named
         * by its key: a member that is no {@code host} or {@code host:port} by the rule of every key that names a
         * machine ({@link HostPort}; an IPv6 address in brackets), an interface that is no IPv4 pattern, a
         * {@code publicHost} that is no host name or IP address; and, on a hub, interfaces that match no address of
         * this machine (Hazelcast binds only there). A host that is not this machine's is found when the hub tries to
         * listen (exit 1), as for {@code bridge.host}.
         */
        void problems(List<String> errors, boolean hub) {
            for (int i = 0; i < members.size(); i++) {
                String member = Objects.requireNonNullElse(members.get(i), "");
                int at = i;
                HostPort.ambiguity(member, port)
                        .or(() -> HostPort.hostPortProblem(member, false))
                        .ifPresent(problem -> errors.add("fleet.cluster.members[" + at
                                + "]: expected HOST or HOST:PORT (an IPv6 address in brackets), got '"
                                + BoundedInput.shown(member) + "' (" + problem + ")"));
            }
            boolean patterns = true;
            for (int i = 0; i < interfaces.size(); i++) {
                String pattern = Objects.requireNonNullElse(interfaces.get(i), "");
                if (!isInterfacePattern(pattern)) {
                    patterns = false;
                    errors.add("fleet.cluster.interfaces[" + i + "]: expected an IPv4 address of this machine, each"
                            + " part a number 0-255, '*' or a range like 10-20 (e.g. 10.1.2.*), got '"
                            + BoundedInput.shown(pattern) + "'");
                }
            }
            List<String> local = hub && patterns ? localAddresses() : List.of();
            if (!local.isEmpty()
                    && interfaces.stream().noneMatch(i -> local.stream().anyMatch(a -> matches(i, a)))) {
                errors.add("fleet.cluster.interfaces: " + BoundedInput.shown(interfaces.toString())
                        + " match no address of this machine (it has " + String.join(", ", local)
                        + "); Hazelcast binds only there");
            }
            ConfigValidator.host(errors, "fleet.cluster.publicHost", publicHost);
        }

        private static boolean isInterfacePattern(String pattern) {
            String[] octets = pattern.split("\\.", -1);
            if (octets.length != 4) {
                return false;
            }
            for (String o : octets) {
                Matcher m = OCTET.matcher(o);
                if (!m.matches()) {
                    return false;
                }
                if (m.group(1) != null) {
                    int lo = Integer.parseInt(m.group(1));
                    int hi = m.group(2) == null ? lo : Integer.parseInt(m.group(2));
                    if (hi > 255 || lo > hi) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** Whether an IPv4 address matches an interface pattern ({@code 10.1.2.*}, {@code 10.1.2.10-20}). */
        private static boolean matches(String pattern, String address) {
            String[] p = pattern.split("\\.");
            String[] a = address.split("\\.");
            if (p.length != 4 || a.length != 4) {
                return false;
            }
            for (int k = 0; k < 4; k++) {
                int v = Integer.parseInt(a[k]);
                if (p[k].equals("*")) {
                    continue;
                }
                int dash = p[k].indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p[k] : p[k].substring(0, dash));
                int hi = dash < 0 ? lo : Integer.parseInt(p[k].substring(dash + 1));
                if (v < lo || v > hi) {
                    return false;
                }
            }
            return true;
        }

        /** This machine's IPv4 addresses (empty when they cannot be read: then Hazelcast judges). */
        private static List<String> localAddresses() {
            List<String> out = new ArrayList<>();
            try {
                for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(n.getInetAddresses())) {
                        if (a instanceof Inet4Address) {
                            out.add(a.getHostAddress());
                        }
                    }
                }
            } catch (SocketException | RuntimeException e) {
                return List.of();
            }
            return out;
        }
    }

    /**
     * The agent id an enrolled credential names ({@code kma1.<agentId>.<secret>}), or empty for anything else: a
     * shared token, a token without the second dot or with an empty id, null. The id is taken up to the last dot,
     * since ids may hold dots and the secret (base64url) never does. Whether the id is known is the hub's to say.
     */
    public static Optional<String> enrolledAgentId(String token) {
        if (token == null || !token.startsWith(ENROLLED_TOKEN_PREFIX)) {
            return Optional.empty();
        }
        int dot = token.lastIndexOf('.');
        return dot > ENROLLED_TOKEN_PREFIX.length()
                ? Optional.of(token.substring(ENROLLED_TOKEN_PREFIX.length(), dot))
                : Optional.empty();
    }

    /**
     * Why {@code token} cannot be this agent's: it is a credential enrolled for another id than {@code agentId};
     * empty when it can. Checked when the configuration loads and again by the agent, before any hub sees it.
     */
    public Optional<String> tokenOfAnotherAgent() {
        return enrolledAgentId(token)
                .filter(enrolled -> agentId != null && !enrolled.equals(agentId))
                .map(enrolled -> "fleet.token: this credential was enrolled for agent '" + BoundedInput.shown(enrolled)
                        + "', but fleet.agentId is '" + BoundedInput.shown(agentId) + "'");
    }

    /**
     * Range and consistency problems, each naming its key path.
     *
     * @param hub whether it configures a hub, whose cluster interfaces must be this machine's
     */
    List<String> problems(boolean hub) {
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < hubs.size(); i++) {
            String h = hubs.get(i);
            int at = i;
            HostPort.hostPortProblem(h, true)
                    .ifPresent(problem -> errors.add("fleet.hubs[" + at + "]: expected host:port, got '"
                            + BoundedInput.shown(h) + "' (" + problem + ")"));
        }
        for (int i = 0; i < trust.size(); i++) {
            if (!CertificateFingerprint.isPrinted(trust.get(i))) { // the constructor could not read it
                errors.add(CertificateFingerprint.refusal(trust.get(i), "fleet.trust[" + i + "]"));
            }
        }
        if (!hubs.isEmpty() && trust.isEmpty() && caFile == null) {
            errors.add("fleet.trust: give the hubs' certificate fingerprints (or fleet.caFile) when fleet.hubs is set");
        }
        if (agentId != null && !AGENT_ID.matcher(agentId).matches()) {
            errors.add("fleet.agentId: expected " + AGENT_ID_RULE + ", got '" + BoundedInput.shown(agentId) + "'");
        }
        tokenOfAnotherAgent().ifPresent(errors::add);
        ConfigValidator.range(errors, "fleet.heartbeatSeconds", heartbeatSeconds, 1, 3_600);
        ConfigValidator.range(errors, "fleet.reconnectMaxSeconds", reconnectMaxSeconds, 1, 3_600);
        ConfigValidator.range(errors, "fleet.cluster.port", cluster.port(), HostPort.MIN_PORT, HostPort.MAX_PORT);
        ConfigValidator.range(errors, "fleet.cluster.eventBusPort", cluster.eventBusPort(), 0, HostPort.MAX_PORT);
        if (cluster.name().isBlank()) {
            errors.add("fleet.cluster.name: must not be empty");
        }
        cluster.problems(errors, hub);
        return errors;
    }
}
