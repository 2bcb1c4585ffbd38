package org.kmsagent.agent.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.WholeNumber;
import org.kmsagent.agent.core.YamlMistake;
import org.kmsagent.agent.core.tls.PemKeyManagers;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.plugin.PluginSignatures;
import org.kmsagent.agent.rules.KmsRules;

/** The range and consistency rules of {@link AgentConfig}; each error names its key path. */
final class ConfigValidator {
    private static final Pattern FAMILY_ID = PluginHost.FAMILY_ID;
    private static final Pattern ADDRESS_PATTERN = Pattern.compile("[a-z0-9][a-z0-9.-]*\\*?|\\*");
    static final int MIN_TOKEN_LENGTH = TokenConfig.MIN_TOKEN_LENGTH;

    private ConfigValidator() {}

    static List<String> validate(AgentConfig c) {
        return validate(c, false);
    }

    /**
     * Every problem of a bound configuration.
     *
     * @param hub whether it configures a hub: its cluster ports must not clash with its other ports, its cluster
     *     interfaces must be this machine's, and it needs ctl tokens
     */
    static List<String> validate(AgentConfig c, boolean hub) {
        List<String> errors = new ArrayList<>();
        paths(c).forEach((key, value) -> pathProblem(key, value).ifPresent(errors::add));
        notBlank(errors, "pluginsDir", c.pluginsDir());
        notBlank(errors, "dataDir", c.dataDir());
        usable(c.dataDir())
                .filter(d -> !c.dataDir().isBlank() && Files.exists(d) && !Files.isDirectory(d))
                .ifPresent(d -> errors.add("dataDir: " + BoundedInput.shownPath(c.dataDir()) + ": not a directory"));

        HostRoleConfig h = c.host();
        // docs/kms-rules.md §2.1: both intervals range 15 min - 30 days.
        range(
                errors,
                "host.activationIntervalMinutes",
                h.activationIntervalMinutes(),
                KmsRules.MIN_INTERVAL_MINUTES,
                KmsRules.MAX_INTERVAL_MINUTES);
        range(
                errors,
                "host.renewalIntervalMinutes",
                h.renewalIntervalMinutes(),
                KmsRules.MIN_INTERVAL_MINUTES,
                KmsRules.MAX_INTERVAL_MINUTES);
        range(errors, "host.port", h.port(), 1, 65_535);

        BridgeConfig b = c.bridge();
        host(errors, "bridge.host", b.host());
        range(errors, "bridge.port", b.port(), 0, 65_535); // 0: any free port (printed at start)
        range(errors, "bridge.maxFrameBytes", b.maxFrameBytes(), 256, 16 * 1024 * 1024);
        range(errors, "bridge.maxConnections", b.maxConnections(), 1, BridgeConfig.MAX_CONNECTIONS);
        range(errors, "bridge.requestTimeoutSeconds", b.requestTimeoutSeconds(), 1, 3_600);
        range(errors, "bridge.maxConnectionsPerToken", b.maxConnectionsPerToken(), 1, BridgeConfig.MAX_CONNECTIONS);
        range(errors, "bridge.maxConnectionsPerAddress", b.maxConnectionsPerAddress(), 1, BridgeConfig.MAX_CONNECTIONS);
        range(errors, "bridge.idleTimeoutSeconds", b.idleTimeoutSeconds(), 1, 86_400);
        if (b.eventLoops() != null) {
            range(errors, "bridge.eventLoops", b.eventLoops(), 1, 64);
        }
        TlsConfig tls = b.tls();
        if ((tls.certFile() == null) != (tls.keyFile() == null)) {
            errors.add("bridge.tls: certFile and keyFile must be given together (or neither, for a self-signed one)");
        }
        tlsFiles(errors, tls);
        caFile(errors, "bridge.tls.clientCaFile", tls.clientCaFile());
        if (b.anonymous() != Role.NONE && !HostPort.isLoopback(b.host())) {
            errors.add("bridge.anonymous: may only be '" + b.anonymous().id()
                    + "' when bridge.host is a loopback address, got " + BoundedInput.shown(b.host()));
        }
        Set<String> names = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < b.tokens().size(); i++) {
            TokenConfig t = b.tokens().get(i);
            String p = "bridge.tokens[" + i + "]";
            if (t.name() == null || t.name().isBlank()) {
                errors.add(p + ".name: must be given");
            } else if (!names.add(t.name())) {
                errors.add(p + ".name: '" + BoundedInput.shown(t.name()) + "' is used twice");
            }
            if (t.hash() != null) {
                if (t.token() != null) {
                    errors.add(p + ": give token or hash, not both");
                }
                try {
                    TokenHash.parse(t.hash());
                } catch (IllegalArgumentException e) {
                    errors.add(p + ".hash: " + e.getMessage());
                }
            } else if (t.token() == null) {
                // Neither secret: "token must be at least 16 characters" read as if a short one had been given.
                errors.add(p + ": give token (" + MIN_TOKEN_LENGTH + " characters or more) or hash");
            } else if (t.token().length() < MIN_TOKEN_LENGTH) {
                errors.add(p + ".token: must be at least " + MIN_TOKEN_LENGTH + " characters");
            } else if (!secrets.add(t.token())) {
                errors.add(p + ".token: the same token is given twice");
            }
            if (t.role() == null) {
                errors.add(p + ".role: must be given: " + Role.tokenRoleRule().substring("must be ".length()));
            } else if (!Role.TOKEN_ROLES.contains(t.role())) {
                errors.add(p + ".role: " + Role.tokenRoleRule() + ", got '"
                        + t.role().id() + "'");
            }
        }
        addresses(errors, "bridge.inbound", b.inbound());
        addresses(errors, "bridge.outbound", b.outbound());

        RenewalConfig r = c.renewal();
        endpoint(errors, "renewal.kms", r.kms());
        for (Map.Entry<String, FamilyRenewalConfig> e : r.families().entrySet()) {
            String p = "renewal.families." + e.getKey();
            if (!FAMILY_ID.matcher(e.getKey()).matches()) {
                errors.add(p + ": a family id is lower-case kebab-case, e.g. office2013");
            }
            if (e.getValue() != null) {
                endpoint(errors, p + ".kms", e.getValue().kms());
            }
        }
        // A renewal.families.<family> no loaded plugin provides is not refused here: plugins may come later, and the
        // running agent says it once they are loaded (RenewalConfig.unknownFamilies, configuration.md).
        errors.addAll(c.fleet().problems(hub));
        if (hub && b.tokens().isEmpty()) {
            errors.add("bridge.tokens: a hub needs ctl tokens (an admin one enrols agents: ctl fleet enroll AGENT-ID)");
        }
        caFile(errors, "fleet.caFile", c.fleet().caFile());
        host(errors, "metrics.host", c.metrics().host());
        range(errors, "metrics.port", c.metrics().port(), 0, 65_535);
        host(errors, "dashboard.host", c.dashboard().host());
        range(errors, "dashboard.port", c.dashboard().port(), 0, 65_535);
        errors.addAll(portClashes(c, hub));
        List<String> editions = c.simulated().editions();
        for (int i = 0; i < editions.size(); i++) {
            notBlank(errors, "simulated.editions[" + i + "]", editions.get(i));
        }
        // Under the 120 s a control request waits for the machine thread, so a hung call never times a request out.
        range(errors, "renewal.callDeadlineSeconds", c.renewal().callDeadlineSeconds(), 1, 110);
        range(errors, "renewal.activationDeadlineSeconds", c.renewal().activationDeadlineSeconds(), 1, 110);
        SimulatedFaultsConfig faults = c.simulated().faults();
        if (!(faults.rate() >= 0 && faults.rate() <= 1)) {
            errors.add("simulated.faults.rate: must be between 0 and 1, got " + faults.rate());
        }
        if (!(faults.hangRate() >= 0 && faults.hangRate() <= 1)) {
            errors.add("simulated.faults.hangRate: must be between 0 and 1, got " + faults.hangRate());
        } else if (faults.rate() + faults.hangRate() > 1) {
            errors.add(
                    "simulated.faults: rate + hangRate must be at most 1, got " + (faults.rate() + faults.hangRate()));
        }
        List<String> knownKinds =
                List.of("service-not-running", "rpc-unavailable", "slopen-failed", "access-denied", "wmi-busy", "hang");
        for (int i = 0; i < faults.kinds().size(); i++) {
            String k = faults.kinds().get(i);
            if (k == null
                    || !knownKinds.contains(k.strip().toLowerCase(Locale.ROOT).replace('_', '-'))) {
                errors.add("simulated.faults.kinds[" + i + "]: '" + BoundedInput.shown(k)
                        + "' is not a fault kind; use one of " + knownKinds);
            }
        }
        atLeast(errors, "simulated.faults.startAfterSeconds", faults.startAfterSeconds(), 0);
        atLeast(errors, "simulated.faults.hangSeconds", faults.hangSeconds(), 1);
        c.logging().validate(errors);
        trustStore(errors, c.plugins());
        for (int i = 0; i < h.hostKeys().size(); i++) {
            notBlank(errors, "host.hostKeys[" + i + "]", h.hostKeys().get(i));
        }
        return errors;
    }

    /** A TCP port the process will listen on, named by its key. */
    private record Listener(String key, String host, int port) {
        boolean clashesWith(Listener other) {
            return port != 0
                    && port == other.port
                    && (host == null
                            || other.host == null
                            || host.equals(other.host)
                            || HostPort.isWildcard(host)
                            || HostPort.isWildcard(other.host));
        }
    }

    /**
     * Two servers of one process on one port: the second never answers (or the process fails at start). Checked
     * among the bridge, the dashboard, the metrics endpoint and, on a hub, the cluster's event-bus port and
     * Hazelcast's member port range. Each clash is reported on the later key.
     */
    private static List<String> portClashes(AgentConfig c, boolean hub) {
        List<Listener> listeners = new ArrayList<>();
        if (c.bridge().enabled()) {
            listeners.add(
                    new Listener("bridge.port", c.bridge().host(), c.bridge().port()));
        }
        if (c.dashboard().enabled()) {
            listeners.add(new Listener(
                    "dashboard.port", c.dashboard().host(), c.dashboard().port()));
        }
        if (c.metrics().enabled()) {
            listeners.add(
                    new Listener("metrics.port", c.metrics().host(), c.metrics().port()));
        }
        FleetConfig.ClusterConfig cluster = c.fleet().cluster();
        if (hub) {
            listeners.add(new Listener("fleet.cluster.eventBusPort", null, cluster.eventBusPort()));
        }
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < listeners.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (listeners.get(i).clashesWith(listeners.get(j))) {
                    errors.add(listeners.get(i).key() + ": " + listeners.get(i).port() + " is also "
                            + listeners.get(j).key() + "; give each its own port");
                    break;
                }
            }
        }
        if (hub) {
            int first = cluster.port();
            int last = first + FleetConfig.ClusterConfig.MEMBER_PORT_COUNT - 1;
            for (Listener l : listeners) {
                if (l.port() >= first && l.port() <= last) {
                    errors.add(l.key() + ": " + l.port() + " is in the cluster's member port range " + first + "-"
                            + last
                            + " (fleet.cluster.port and the " + (FleetConfig.ClusterConfig.MEMBER_PORT_COUNT - 1)
                            + " after it); give it a port outside that range");
                }
            }
        }
        return errors;
    }

    private static void notBlank(List<String> errors, String key, String value) {
        if (value == null || value.isBlank()) {
            errors.add(key + ": must not be empty");
        }
    }

    /** A whole-number key within {@code min}-{@code max}, refused in {@link WholeNumber}'s words. */
    static void range(List<String> errors, String key, long value, long min, long max) {
        if (value < min || value > max) {
            errors.add(key + ": " + WholeNumber.refusal(WholeNumber.accepted("", min, max), value));
        }
    }

    /** A whole-number key of {@code min} or more, refused in {@link WholeNumber}'s words. */
    private static void atLeast(List<String> errors, String key, long value, long min) {
        if (value < min) {
            errors.add(key + ": " + WholeNumber.refusal(WholeNumber.accepted("", min), value));
        }
    }

    /**
     * A file the agent reads, named by {@code key}: when one is given, it must be a file it can read (not a folder, a
     * device or a pipe). Empty when none is given, or with the problem added when it cannot be read.
     */
    private static Optional<Path> readable(List<String> errors, String key, String file) {
        Optional<Path> path = usable(file);
        if (path.isEmpty()) {
            return path; // none given, or said by pathProblem
        }
        Path f = path.get();
        String problem = Files.isDirectory(f)
                ? BoundedInput.shownPath(file) + " is a folder; name the file in it"
                : !Files.isReadable(f)
                        ? "cannot read file " + BoundedInput.shownPath(file)
                        : !Files.isRegularFile(f)
                                ? BoundedInput.shownPath(file) + " is not a regular file (a device or a pipe)"
                                : null;
        if (problem != null) {
            errors.add(key + ": " + problem);
            return Optional.empty();
        }
        return path;
    }

    /**
     * The bridge's own certificate and key, read as the bridge reads them ({@link PemKeyManagers}): the certificate
     * file holds certificates, the key file a key it can use (an encrypted one is refused), and the key is the
     * certificate's. Checked here, with the rest of the file, so that each is named where it was written.
     */
    private static void tlsFiles(List<String> errors, TlsConfig tls) {
        Optional<Path> certFile = readable(errors, "bridge.tls.certFile", tls.certFile());
        Optional<Path> keyFile = readable(errors, "bridge.tls.keyFile", tls.keyFile());
        Certificate[] chain = certFile.map(f -> read(errors, "bridge.tls.certFile", () -> PemKeyManagers.chain(f)))
                .orElse(null);
        PrivateKey key = keyFile.map(f -> read(errors, "bridge.tls.keyFile", () -> PemKeyManagers.privateKey(f)))
                .orElse(null);
        if (chain != null && key != null) {
            read(errors, "bridge.tls.keyFile", () -> {
                PemKeyManagers.requireMatch(chain[0], key, certFile.get(), keyFile.get());
                return key;
            });
        }
    }

    /**
     * A file of CA certificates ({@code bridge.tls.clientCaFile}, {@code fleet.caFile}), read into the trust manager
     * the bridge and the fleet link use ({@link PemKeyManagers#trustManager}): one that holds no certificate (not PEM,
     * a folder) is refused here, naming its key, rather than when the bridge starts or at each dial of a hub.
     */
    private static void caFile(List<String> errors, String key, String file) {
        readable(errors, key, file).ifPresent(f -> read(errors, key, () -> PemKeyManagers.trustManager(f)));
    }

    /** What {@code reading} gives, or null with why not added as {@code key}'s problem. */
    private static <T> T read(List<String> errors, String key, Supplier<T> reading) {
        try {
            return reading.get();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            String why = e instanceof UncheckedIOException io && io.getCause().getMessage() != null
                    ? e.getMessage() + ": " + io.getCause().getMessage()
                    : e.getMessage();
            errors.add(key + ": " + BoundedInput.reason(why));
            return null;
        }
    }

    /**
     * Every key that names a file or a folder, with its value when one is given: each is checked for what no path
     * holds ({@link #pathProblem}) before anything else looks at it.
     */
    private static Map<String, String> paths(AgentConfig c) {
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("pluginsDir", c.pluginsDir());
        paths.put("dataDir", c.dataDir());
        paths.put("bridge.tls.certFile", c.bridge().tls().certFile());
        paths.put("bridge.tls.keyFile", c.bridge().tls().keyFile());
        paths.put("bridge.tls.clientCaFile", c.bridge().tls().clientCaFile());
        paths.put("fleet.caFile", c.fleet().caFile());
        paths.put("logging.file", c.logging().file());
        paths.put("plugins.trustStore", c.plugins().trustStore());
        paths.values().removeIf(Objects::isNull);
        return paths;
    }

    /** The control characters YAML's escapes in double quotes make, by the escape: {@code \P} is U+2029. */
    private static final Map<Integer, String> YAML_ESCAPES = Map.ofEntries(
            Map.entry(0x00, "\\0"),
            Map.entry(0x07, "\\a"),
            Map.entry(0x08, "\\b"),
            Map.entry(0x09, "\\t"),
            Map.entry(0x0A, "\\n"),
            Map.entry(0x0B, "\\v"),
            Map.entry(0x0C, "\\f"),
            Map.entry(0x0D, "\\r"),
            Map.entry(0x1B, "\\e"),
            Map.entry(0x85, "\\N"),
            Map.entry(0x2028, "\\L"),
            Map.entry(0x2029, "\\P"));

    /**
     * Why {@code value}, given for {@code key}, names no file or folder, or empty: it holds a control character (no
     * path the agent should make does; a Windows path in YAML double quotes gets them from its backslashes, and the
     * refusal says which), or it is no path on this system at all.
     */
    static Optional<String> pathProblem(String key, String value) {
        long controls = value.codePoints().filter(BoundedInput::isControl).count();
        if (controls > 0) {
            List<String> escapes = value.codePoints()
                    .filter(BoundedInput::isControl)
                    .distinct()
                    .mapToObj(YAML_ESCAPES::get)
                    .filter(Objects::nonNull)
                    .toList();
            String made = escapes.isEmpty()
                    ? "a backslash starts an escape"
                    : escapes.size() == 1
                            ? escapes.get(0) + " is an escape"
                            : String.join(", ", escapes.subList(0, escapes.size() - 1)) + " and "
                                    + escapes.get(escapes.size() - 1) + " are escapes";
            return Optional.of(key + ": " + BoundedInput.shownPath(value) + " holds "
                    + (controls == 1 ? "a control character" : "control characters") + "; "
                    + YamlMistake.WINDOWS_PATHS + made);
        }
        try {
            Path.of(value);
            return Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.of(key + ": not a file path on this system: " + BoundedInput.shownPath(value) + " ("
                    + BoundedInput.reason(e.getReason()) + ")");
        }
    }

    /** The path {@code value} names, or empty when none is given or it names none ({@link #pathProblem}). */
    static Optional<Path> usable(String value) {
        return value == null || pathProblem("", value).isPresent() ? Optional.empty() : Optional.of(Path.of(value));
    }

    /** A configured plugin trust store must open with its password and hold a certificate, or no plugin would load. */
    private static void trustStore(List<String> errors, PluginsConfig p) {
        if (p.trustStore() == null) {
            if (p.trustStorePassword() != null) {
                errors.add("plugins.trustStorePassword: given without plugins.trustStore");
            }
            return;
        }
        if (usable(p.trustStore()).isEmpty()) {
            return; // said by pathProblem
        }
        if (p.trustStore().isBlank() || !Files.isReadable(Path.of(p.trustStore()))) {
            errors.add("plugins.trustStore: cannot read file " + BoundedInput.shownPath(p.trustStore()));
            return;
        }
        try {
            PluginSignatures.trusting(
                    Path.of(p.trustStore()),
                    p.trustStorePassword() == null
                            ? null
                            : p.trustStorePassword().toCharArray());
        } catch (IOException e) {
            errors.add("plugins.trustStore: " + BoundedInput.shownPath(p.trustStore()) + ": "
                    + BoundedInput.reason(e.getMessage()) + "; check the file and plugins.trustStorePassword");
        }
    }

    private static void addresses(List<String> errors, String key, List<String> list) {
        for (int i = 0; i < list.size(); i++) {
            String a = list.get(i);
            if (a == null || !ADDRESS_PATTERN.matcher(a).matches()) {
                errors.add(key + "[" + i + "]: expected a dotted lower-case address, optionally ending in *, got '"
                        + BoundedInput.shown(a) + "'");
            }
        }
    }

    /** An address to bind: a host name or an IP address ({@link HostPort}, the rule every address key follows). */
    static void host(List<String> errors, String key, String host) {
        if (host == null || host.isBlank()) {
            errors.add(key + ": must not be empty");
            return;
        }
        HostPort.hostProblem(host)
                .ifPresent(problem -> errors.add(key + ": expected a host name or an IP address, got '"
                        + BoundedInput.shown(host) + "' (" + problem + ")"));
    }

    /** A KMS endpoint ({@link HostPort#endpointProblem}). */
    private static void endpoint(List<String> errors, String key, String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        HostPort.endpointProblem(text)
                .ifPresent(p -> errors.add(key + ": expected host, host:port, [IPv6]:port, dns or dns:domain, got '"
                        + BoundedInput.shown(text) + "' (" + p + ")"));
    }
}
