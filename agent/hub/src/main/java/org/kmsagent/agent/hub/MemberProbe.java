package org.kmsagent.agent.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.config.HostPort;

/**
 * Asks each of {@code fleet.cluster.members} whether it is a Hazelcast member, before the hub's own member joins.
 *
 * <p>Why: a member address where a hub's bridge or dashboard (TLS) or metrics endpoint (HTTP) listens accepts
 * Hazelcast's connection and then closes it on Hazelcast's first packet. Hazelcast 5.3 takes that as a member that
 * went away, logs {@code [127.0.0.1]:17811 is added to the blacklist.}, never tries it again, and forms a cluster of
 * one: the hub served an empty fleet without a word. Hazelcast gives no signal of it at the join (the start succeeds),
 * so the hub asks first.
 *
 * <p>How: Hazelcast's member protocol starts with the three bytes {@code HZC} from the connecting side, and a Hazelcast
 * 5 member answers them at once with the same three bytes (seen against a hub's member port: 9 ms). Nothing else a hub
 * listens with answers them: its TLS servers (bridge, dashboard) wait for a whole TLS record, its HTTP server for a
 * whole request line, its event bus for a whole frame. So an address that answers {@code HZC} is a member; one where
 * nothing listens (the connection refused or not answered within {@link #CONNECT}) is allowed, since the first hub of
 * a cluster starts before the others; one that answers anything else, or closes, is refused. One that stays silent is
 * then asked, on new connections, for a TLS handshake and an HTTP answer, to say what it is: one of them refuses the
 * start; one that answers neither is left to Hazelcast's own join, which waits for it ({@link FleetCluster#JOIN_WAIT})
 * and then stops the hub.
 */
final class MemberProbe {
    /** How long the connection to a member address may take: Hazelcast's own connection timeout. */
    static final Duration CONNECT = Duration.ofSeconds(2);
    /** How long a member has to answer Hazelcast's greeting, and a silent address a TLS handshake or HTTP request. */
    static final Duration ANSWER = Duration.ofSeconds(3);

    private static final byte[] MEMBER_PROTOCOL = "HZC".getBytes(StandardCharsets.US_ASCII);

    private MemberProbe() {}

    /**
     * Checks every member address (its own port, or {@code fleet.cluster.port} when it has none).
     *
     * @throws IllegalStateException one line naming the first address that answers but not as a member, and what it
     *     answers as
     */
    static void check(FleetConfig.ClusterConfig c) {
        check(c, ANSWER);
    }

    static void check(FleetConfig.ClusterConfig c, Duration answer) {
        for (String member : c.members()) {
            HostPort.Address a = HostPort.typed("fleet.cluster.members", member, c.port());
            InetSocketAddress address = new InetSocketAddress(a.host(), a.port());
            if (address.isUnresolved()) {
                continue; // Hazelcast says so itself
            }
            whatAnswers(address, answer).ifPresent(what -> {
                throw new IllegalStateException("fleet.cluster.members: " + a + " answers, but not as a hub's cluster"
                        + " member (" + what + "); give each hub's fleet.cluster.port (5701 by default), not its"
                        + " bridge, dashboard, metrics or event-bus port (docs/fleet.md)");
            });
        }
    }

    /** What answers at {@code address} when it is not a Hazelcast member; empty for a member or nothing at all. */
    static Optional<String> whatAnswers(InetSocketAddress address, Duration answer) {
        byte[] reply;
        try (Socket s = new Socket()) {
            try {
                s.connect(address, (int) CONNECT.toMillis());
            } catch (IOException nothingThere) {
                // Refused, unreachable, or no answer to the connection itself (a firewall dropping it: a timeout,
                // which must not count as a silent listener and cost the TLS and HTTP probes their waits too).
                return Optional.empty();
            }
            s.setSoTimeout((int) answer.toMillis());
            s.getOutputStream().write(MEMBER_PROTOCOL);
            s.getOutputStream().flush();
            reply = readUpTo(s.getInputStream(), MEMBER_PROTOCOL.length);
        } catch (SocketTimeoutException silent) {
            reply = null;
        } catch (IOException gone) {
            // Connected, then reset or closed before a greeting could be sent: nothing that will be a member.
            return Optional.empty();
        }
        if (reply != null && Arrays.equals(reply, MEMBER_PROTOCOL)) {
            return Optional.empty();
        }
        if (speaksTls(address, answer)) {
            return Optional.of("TLS: a hub's bridge or dashboard port?");
        }
        if (speaksHttp(address, answer)) {
            return Optional.of("HTTP: a hub's metrics or dashboard port?");
        }
        if (reply == null) {
            return Optional.empty(); // silent: Hazelcast's join waits for it, and says so when its time is up
        }
        return Optional.of(
                reply.length == 0
                        ? "it closed the connection on Hazelcast's greeting"
                        : "it answered Hazelcast's greeting with something else");
    }

    /** Up to {@code n} bytes, fewer when the other side closes first (none when it closes at once). */
    private static byte[] readUpTo(InputStream in, int n) throws IOException {
        byte[] buf = new byte[n];
        int got = 0;
        while (got < n) {
            int r;
            try {
                r = in.read(buf, got, n - got);
            } catch (SocketTimeoutException e) {
                if (got == 0) {
                    throw e;
                }
                break;
            } catch (IOException reset) {
                break;
            }
            if (r < 0) {
                break;
            }
            got += r;
        }
        return Arrays.copyOf(buf, got);
    }

    /** Whether a TLS handshake completes there (any certificate: this only asks what the port speaks). */
    private static boolean speaksTls(InetSocketAddress address, Duration answer) {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new AnyCertificate()}, null);
            try (Socket plain = new Socket()) {
                plain.connect(address, (int) CONNECT.toMillis());
                plain.setSoTimeout((int) answer.toMillis());
                try (SSLSocket s = (SSLSocket)
                        tls.getSocketFactory().createSocket(plain, address.getHostString(), address.getPort(), true)) {
                    s.startHandshake();
                    return true;
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether an HTTP request there is answered in HTTP. */
    private static boolean speaksHttp(InetSocketAddress address, Duration answer) {
        try (Socket s = new Socket()) {
            s.connect(address, (int) CONNECT.toMillis());
            s.setSoTimeout((int) answer.toMillis());
            s.getOutputStream()
                    .write(("HEAD / HTTP/1.0\r\nHost: " + address.getHostString() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(readUpTo(s.getInputStream(), 5), StandardCharsets.US_ASCII).equals("HTTP/");
        } catch (IOException e) {
            return false;
        }
    }

    /** Trusts any certificate: the probe sends nothing over the connection, it only learns that it speaks TLS. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
