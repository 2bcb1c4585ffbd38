package org.kmsagent.agent.doctor;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.api.HResult;

/**
 * A real DNS SRV lookup of {@code _vlmcs._tcp.<domain>}, as a KMS client does for auto-discovery
 * (docs/kms-rules.md §2.5), through the JDK's DNS provider ({@code com.sun.jndi.dns}). The system's resolvers are
 * used unless a server is given ({@code --dns-server 127.0.0.1:5353}).
 */
public final class KmsSrvLookup {
    /** The SRV owner-name prefix KMS hosts publish under (docs/kms-rules.md §2.6). */
    public static final String PREFIX = "_vlmcs._tcp.";

    private final Optional<InetSocketAddress> server;
    private final int timeoutMillis;
    private final NameResolver names;
    private NameResolver.Resolution serverAddress;

    /**
     * @param server the DNS server to ask, or empty for the system's
     * @param timeoutMillis the first-try timeout (the provider doubles it once on retry), and the time the
     *     server's own name is given to resolve
     */
    public KmsSrvLookup(Optional<InetSocketAddress> server, int timeoutMillis) {
        this(server, timeoutMillis, new NameResolver(Duration.ofMillis(timeoutMillis)));
    }

    public KmsSrvLookup(Optional<InetSocketAddress> server, int timeoutMillis, NameResolver names) {
        this.server = server;
        this.timeoutMillis = timeoutMillis;
        this.names = names;
    }

    /**
     * Why the DNS server given by name cannot be asked ({@code --dns-server nonsense}: "the DNS server name
     * 'nonsense' given with --dns-server could not be resolved to an address"), or empty when it was given by
     * address, resolves, or none was given. The lookup itself would only fail with the provider's own words, after
     * the system resolver's own retries.
     */
    public Optional<String> serverProblem() {
        if (server.isEmpty()) {
            return Optional.empty();
        }
        String host = server.get().getHostString();
        return serverAddress()
                .failure()
                .map(why -> "the DNS server name '" + host + "' given with --dns-server " + why);
    }

    private NameResolver.Resolution serverAddress() {
        if (serverAddress == null) {
            serverAddress = names.resolve(server.orElseThrow().getHostString());
        }
        return serverAddress;
    }

    /** Looks up the KMS SRV records of {@code domain}. Never throws: failures are answers with a code. */
    public SrvAnswer lookup(String domain) {
        String name = PREFIX + stripDot(domain);
        Hashtable<String, String> env = new Hashtable<>();
        env.put(DirContext.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(DirContext.PROVIDER_URL, providerUrl());
        env.put("com.sun.jndi.dns.timeout.initial", Integer.toString(timeoutMillis));
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        try {
            DirContext ctx = new InitialDirContext(env);
            try {
                Attributes attrs = ctx.getAttributes(name, new String[] {"SRV"});
                Attribute srv = attrs.get("SRV");
                if (srv == null || srv.size() == 0) {
                    return new SrvAnswer(
                            name,
                            List.of(),
                            Optional.of(HResult.DNS_INFO_NO_RECORDS),
                            "the name exists but has no SRV record");
                }
                List<SrvRecord> records = new ArrayList<>();
                NamingEnumeration<?> values = srv.getAll();
                while (values.hasMore()) {
                    records.add(parse(values.next().toString()));
                }
                records.sort(Comparator.comparingInt(SrvRecord::priority).thenComparing(r -> -r.weight()));
                return new SrvAnswer(name, records, Optional.empty(), records.size() + " record(s)");
            } finally {
                ctx.close();
            }
        } catch (NameNotFoundException e) {
            return new SrvAnswer(
                    name,
                    List.of(),
                    Optional.of(HResult.DNS_ERROR_RCODE_NAME_ERROR),
                    "the DNS server answered that the name does not exist");
        } catch (NamingException | RuntimeException e) {
            return new SrvAnswer(
                    name,
                    List.of(),
                    Optional.of(HResult.DNS_ERROR_RCODE_SERVER_FAILURE),
                    "the DNS lookup failed: " + e.getMessage());
        }
    }

    /** The DNS server to ask: its address when it was given by a name that resolved, so it is not looked up again. */
    private String providerUrl() {
        if (server.isEmpty()) {
            return "dns:";
        }
        String host = server.get().getHostString();
        if (serverAddress() instanceof NameResolver.Resolved r) {
            InetAddress a = r.address();
            host = a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        }
        return "dns://" + host + ":" + server.get().getPort() + "/";
    }

    /** Parses {@code "priority weight port target."}, the provider's text form of an SRV record. */
    static SrvRecord parse(String text) {
        String[] f = text.strip().split("\\s+");
        if (f.length != 4) {
            throw new IllegalArgumentException("SRV record '" + text + "' is not 'priority weight port target'");
        }
        return new SrvRecord(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), stripDot(f[3]));
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
