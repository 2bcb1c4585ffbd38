package org.kmsagent.agent.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.kmsagent.agent.core.AddressText;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.WholeNumber;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.ProductKey;

/**
 * The one rule for a machine named in the configuration: a host name, an IPv4 address or an IPv6 address, with a
 * port where the key wants one ({@code host:port}, {@code [v6]:port}). Every key that names a machine to bind or to
 * dial ({@code bridge.host}, {@code metrics.host}, {@code dashboard.host}, {@code renewal.kms}, {@code fleet.hubs})
 * is checked here, so that what one refuses another never accepts. Nothing is resolved: the check does not depend on
 * DNS. Each method says what is wrong without quoting the value, the caller quoting it (bounded) after its key; only a
 * port out of range is quoted back, as every whole number out of range is ({@link WholeNumber#refusal}). A machine
 * typed after a command-line option ({@code ctl --agent}, {@code doctor --dns-server}) is read by {@link #typed}, on the
 * same rule.
 */
public final class HostPort {
    /** The lowest and highest TCP port one names to dial or to advertise (listening on 0 picks a free one). */
    public static final int MIN_PORT = 1;

    public static final int MAX_PORT = 65_535;

    private HostPort() {}

    /** A DNS label: letters, digits, '-' and '_' (used in SRV and some internal names), not starting with '-'. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})");

    private static final Pattern DOTTED_NUMBERS = Pattern.compile("[0-9.]+");

    /** Why a host with a product key's shape is refused; it names no part of the key. */
    public static final String KEY_AS_HOST =
            "it looks like a product key, not a host name: keys are installed with install-gvlk --key";

    /**
     * Why {@code host} is not a host name or an IP address (IPv6 without brackets), or empty when it is one. A host
     * with a product key's shape ({@link ProductKey#hasKeyShape}) is refused too ({@link #KEY_AS_HOST}).
     */
    public static Optional<String> hostProblem(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.of("the host is empty");
        }
        if (host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            return Optional.of("a host name has no spaces or control characters");
        }
        if (host.indexOf(':') >= 0) {
            return ipv6(host) ? Optional.empty() : Optional.of("not an IPv6 address");
        }
        if (DOTTED_NUMBERS.matcher(host).matches()) {
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                return Optional.of("an IPv4 address has four numbers");
            }
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                    return Optional.of("each number of an IPv4 address is 0-255");
                }
            }
            return Optional.empty();
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (ProductKey.hasKeyShape(name)) {
            // A valid host name by the letter of the rule, and nobody's: a key pasted in the wrong place, which
            // would be stored in state.json and shown by status whole.
            return Optional.of(KEY_AS_HOST);
        }
        if (name.length() > 253) {
            return Optional.of("a host name has at most 253 characters");
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty()) {
                return Optional.of("a host name has no empty part between dots");
            }
            if (label.length() > 63) {
                // Every character may be right: the DNS limit is the label's length, which the words below omit.
                return Optional.of("each part of a host name between dots has at most 63 characters, and one has "
                        + label.length());
            }
            if (!LABEL.matcher(label).matches()) {
                return Optional.of(
                        "a host name is letters, digits, '-' and '_' between dots, no part starting with" + " '-'");
            }
        }
        return Optional.empty();
    }

    /** What a DNS domain is, as every refusal of one says it. */
    public static final String DOMAIN_RULE =
            "a DNS domain is labels of letters, digits, hyphens and underscores separated by dots (none starting"
                    + " with a hyphen), at most 253 characters, each label 1-63";

    /**
     * Why {@code domain} is not a DNS domain to look a KMS host up in ({@code ctl set-kms --dns DOMAIN}, the bus's
     * {@code domain}, {@code dns:domain} in the configuration and scenarios), or empty. Beside {@link #hostProblem} so
     * that every place that takes a lookup domain refuses the same ones: a domain the agent stores is put after
     * {@code _vlmcs._tcp.} and given to Windows, which fails at every renewal on one it cannot ask DNS about. One
     * final dot (a fully qualified name) is allowed, as for a host name.
     */
    public static Optional<String> domainProblem(String domain) {
        if (domain == null || domain.isEmpty()) {
            return Optional.of("the domain is empty");
        }
        String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (name.length() > 253) {
            return Optional.of(DOMAIN_RULE);
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.of(DOMAIN_RULE);
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code text} is not {@code host:port} (or {@code [v6]:port}), or empty when it is one.
     *
     * @param portRequired whether the port must be given; when not, {@code host}, {@code [v6]} and a bare IPv6
     *     address are accepted too
     */
    public static Optional<String> hostPortProblem(String text, boolean portRequired) {
        if (text == null || text.isEmpty()) {
            return Optional.of("the address is empty");
        }
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return Optional.of("missing ']' after an IPv6 address");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return Optional.of("expected ':port' after ']'");
                }
                port = rest.substring(1);
            }
            if (host.indexOf(':') < 0 || !ipv6(host)) {
                return Optional.of("not an IPv6 address between '[' and ']'");
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        } else if (text.indexOf(':') >= 0 && portRequired) {
            return Optional.of("an IPv6 address with a port is written [address]:port");
        } else {
            host = text;
        }
        Optional<String> hostProblem = hostProblem(host);
        if (hostProblem.isPresent()) {
            return hostProblem;
        }
        if (port == null) {
            return portRequired ? Optional.of("the port is missing") : Optional.empty();
        }
        return portProblem(port);
    }

    /** A machine to dial and its port, as {@link #typed} read them: an IPv6 host without its brackets. */
    public record Address(String host, int port) {
        /** {@code host:port}, an IPv6 host in brackets: what {@link #typed} reads back. */
        @Override
        public String toString() {
            return AddressText.of(host, port);
        }
    }

    /**
     * Why {@code text}, typed by a person, is refused where an IPv6 address must be in brackets, or empty. Without them
     * {@code ::1:1688} is the address {@code ::1} on port 1688 as much as the address {@code ::1:1688} on the default
     * port: nothing the agent reads guesses ({@code ctl --agent}, {@code doctor --dns-server}, and every KMS endpoint:
     * {@link #endpointProblem}).
     */
    public static Optional<String> ambiguity(String text, int defaultPort) {
        if (text.startsWith("[") || text.indexOf(':') == text.lastIndexOf(':')) {
            return Optional.empty();
        }
        // Each reading the text has, in the form that says it: both when both are addresses (fe80::1:1688), the one
        // when only one is (::1, a full eight groups), an example when neither is.
        int last = text.lastIndexOf(':');
        String head = text.substring(0, last);
        String port = text.substring(last + 1);
        boolean withPort = ipv6(head) && portProblem(port).isEmpty();
        boolean whole = ipv6(text);
        if (withPort && whole) {
            return Optional.of("an IPv6 address without brackets is ambiguous: write [" + head + "]:" + port
                    + " for port " + port + ", or [" + text + "] for the default port " + defaultPort);
        }
        if (withPort || whole) {
            String written = withPort ? "[" + head + "]:" + port : "[" + text + "]";
            return Optional.of("an IPv6 address is written in brackets: " + written);
        }
        return Optional.of("an IPv6 address is written in brackets, its port after them: [::1]:" + defaultPort);
    }

    /**
     * The machine after a command-line option: {@code HOST}, {@code HOST:PORT}, {@code [IPv6]} or {@code [IPv6]:PORT},
     * on {@code defaultPort} when no port is given.
     *
     * @param option the option as the refusal names it, e.g. {@code --agent}
     * @throws IllegalArgumentException one line naming the option, the value (bounded) and what is wrong with it
     */
    public static Address typed(String option, String text, int defaultPort) {
        String t = text == null ? "" : text.strip();
        Optional<String> problem = ambiguity(t, defaultPort).or(() -> hostPortProblem(t, false));
        if (problem.isPresent()) {
            throw new IllegalArgumentException(option + ": expected HOST, HOST:PORT or [IPv6]:PORT, got '"
                    + BoundedInput.shown(t) + "' (" + problem.get() + ")");
        }
        // Checked above: no IPv6 address outside brackets, so the port's colon is the first after them.
        int close = t.startsWith("[") ? t.indexOf(']') : -1;
        int colon = t.indexOf(':', close + 1);
        String host = close > 0 ? t.substring(1, close) : colon < 0 ? t : t.substring(0, colon);
        int port = colon < 0
                ? defaultPort
                : (int) WholeNumber.within(t.substring(colon + 1), MIN_PORT, MAX_PORT)
                        .getAsLong();
        return new Address(host, port);
    }

    /**
     * Why {@code text} is not a KMS endpoint as {@link KmsEndpoint#parse} reads it, or empty: a pinned host by the
     * rule above, or DNS discovery ({@code dns}, {@code dns:domain}). Every place a person writes one (a
     * configuration key, a scenario's machines, {@code ctl set-kms}) asks here before parsing, so that a port out of
     * range is refused in the words of every whole number, not in plugin-api's own, and an IPv6 address without
     * brackets is refused as ambiguous everywhere ({@link #ambiguity}), as {@code slmgr /skms} wants it in brackets.
     */
    public static Optional<String> endpointProblem(String text) {
        Optional<String> problem;
        if (text.indexOf(',') >= 0 || text.indexOf(';') >= 0) {
            // Windows keeps one KMS host per product (slmgr /skms); several hosts are found through DNS (kms-rules.md
            // §2.5), and an administrator who types a list means that.
            problem = Optional.of("one KMS endpoint, not a list: Windows keeps one KMS host per product; to use"
                    + " several, publish each as a _vlmcs._tcp SRV record and give dns (or dns:domain)");
        } else if (text.equalsIgnoreCase("dns")) {
            problem = Optional.empty();
        } else if (text.regionMatches(true, 0, "dns:", 0, 4)) {
            problem = domainProblem(text.substring(4)).map(p -> "the lookup domain after 'dns:': " + p);
        } else {
            problem = ambiguity(text, KmsEndpoint.DEFAULT_PORT).or(() -> hostPortProblem(text, false));
        }
        if (problem.isEmpty()) {
            try {
                KmsEndpoint.parse(text);
            } catch (IllegalArgumentException e) {
                problem = Optional.of("not a KMS endpoint");
            }
        }
        return problem;
    }

    /** Whether {@code host} is the address that listens on every interface ({@code 0.0.0.0}, {@code ::}, {@code *}). */
    public static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("*");
    }

    /** Whether {@code host} is a loopback address; only literal names count: resolving one would depend on DNS. */
    public static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** Why {@code port} is not a TCP port 1-65535 ({@code port: expected a whole number 1-65535, got 70000}), or empty. */
    public static Optional<String> portProblem(String port) {
        return WholeNumber.within(port, MIN_PORT, MAX_PORT).isPresent()
                ? Optional.empty()
                : Optional.of("port: " + WholeNumber.refusal(WholeNumber.accepted("", MIN_PORT, MAX_PORT), port));
    }

    private static boolean ipv6(String text) {
        // Only the syntax of a literal is checked: starting with a hex digit or ':' and holding a ':', the JDK parses
        // it as an IPv6 literal and never asks DNS.
        if (!text.matches("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?")) {
            return false;
        }
        try {
            return InetAddress.getByName(text) != null;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
