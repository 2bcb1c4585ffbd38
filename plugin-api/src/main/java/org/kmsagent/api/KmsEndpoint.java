package org.kmsagent.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a KMS client looks for its host: a pinned host and port ({@code slmgr /skms host:port}) or DNS discovery
 * of {@code _vlmcs._tcp} SRV records, in the machine's own domain or a given lookup domain
 * ({@code slmgr /ckms}, {@code /skms-domain}; docs/kms-rules.md §2.5).
 */
public sealed interface KmsEndpoint {
    /** The KMS port when none is given (docs/kms-rules.md §2.5). */
    int DEFAULT_PORT = 1688;

    /** A pinned host. */
    record Pinned(String host, int port) implements KmsEndpoint {
        public Pinned {
            Objects.requireNonNull(host, "host");
            if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("KMS host name is empty or has spaces: '" + host + "'");
            }
            // A guard against a caller's mistake: what a person writes (a configuration key, a scenario, ctl set-kms)
            // the agent checks before it gets here, and refuses in the words of every whole number out of range.
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("KMS port must be 1-65535, got " + port);
            }
        }

        /**
         * {@code host:port}, with an IPv6 address in brackets ({@code [::1]:1688}): the form {@link #parse} reads back,
         * where {@code ::1:1688} would be ambiguous.
         */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** DNS discovery; an empty domain means the machine's own domain and suffix search list. */
    record Discovery(Optional<String> lookupDomain) implements KmsEndpoint {
        public Discovery {
            Objects.requireNonNull(lookupDomain, "lookupDomain");
        }

        @Override
        public String toString() {
            return lookupDomain.map(d -> "DNS discovery in " + d).orElse("DNS discovery");
        }
    }

    /** A pinned host on port 1688. */
    static KmsEndpoint host(String host) {
        return new Pinned(host, DEFAULT_PORT);
    }

    /** A pinned host. */
    static KmsEndpoint host(String host, int port) {
        return new Pinned(host, port);
    }

    /** DNS discovery in the machine's domain. */
    static KmsEndpoint discovery() {
        return new Discovery(Optional.empty());
    }

    /** DNS discovery in a given domain. */
    static KmsEndpoint discovery(String domain) {
        return new Discovery(Optional.of(domain));
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [v6addr]:port} or {@code dns} / {@code dns:domain}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static KmsEndpoint parse(String text) {
        Objects.requireNonNull(text, "KMS endpoint");
        String t = text.strip();
        if (t.equalsIgnoreCase("dns")) {
            return discovery();
        }
        if (t.regionMatches(true, 0, "dns:", 0, 4)) {
            return discovery(t.substring(4));
        }
        String host = t;
        int port = DEFAULT_PORT;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("KMS endpoint '" + t + "': missing ']'");
            }
            host = t.substring(1, close);
            if (close + 1 < t.length()) {
                port = parsePort(t, t.substring(close + 1));
            }
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            host = t.substring(0, t.indexOf(':'));
            port = parsePort(t, t.substring(t.indexOf(':')));
        }
        return new Pinned(host, port);
    }

    private static int parsePort(String whole, String colonPort) {
        if (!colonPort.startsWith(":")) {
            throw new IllegalArgumentException("KMS endpoint '" + whole + "': expected ':port'");
        }
        try {
            return Integer.parseInt(colonPort.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("KMS endpoint '" + whole + "': port is not a number");
        }
    }
}
