package org.kmsagent.agent.hub.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.core.tls.PemKeyManagers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub bridge's TLS: OpenSSL (BoringSSL, through netty-tcnative) issuing session tickets under a key every hub
 * derives from its certificate's private key ({@link TicketKey}). An agent that reconnects to the same hub address,
 * after a hub restart or to another hub of the fleet behind that address, resumes its session: neither side makes or
 * checks a certificate signature, which is most of a handshake's work (on Java 17 an agent's check of the hub's ECDSA
 * signature takes about 0.9 ms, the key exchange 0.25 ms: docs/performance-log.md). A client keeps its session for a
 * day (the JDK's default), and a hub accepts a ticket for as long (docs/fleet.md).
 *
 * <p>Where OpenSSL cannot be loaded (a platform without its native library), the hub serves with the JDK's TLS and
 * every reconnection makes a full handshake, as the machine agent's bridge always does.
 */
public final class ResumableTls extends OpenSSLEngineOptions {
    private static final Logger LOG = LoggerFactory.getLogger(ResumableTls.class);
    /** How long a hub accepts a ticket, in seconds: as long as the JDK keeps a client's session (one day). */
    static final int TICKET_LIFETIME_SECONDS = 86_400;

    private final TicketKey key;

    private ResumableTls(TicketKey key) {
        this.key = key;
    }

    private ResumableTls(ResumableTls other) {
        super(other);
        this.key = other.key;
    }

    /**
     * The TLS engine for a hub's bridge serving {@code tls}, or null (the JDK's engine) when OpenSSL is not available
     * on this platform.
     *
     * @throws IllegalArgumentException naming the key file when its key cannot be read
     */
    public static SSLEngineOptions forHub(TlsMaterial tls) {
        if (!OpenSsl.isAvailable()) {
            LOG.warn(
                    "bridge: OpenSSL is not available here ({}); agents that reconnect make full TLS handshakes",
                    OpenSsl.unavailabilityCause().toString());
            return null;
        }
        return new ResumableTls(TicketKey.derive(PemKeyManagers.privateKey(tls.keyFile())));
    }

    @Override
    public ResumableTls copy() {
        return new ResumableTls(this);
    }

    @Override
    public SslContextFactory sslContextFactory() {
        return new TicketingFactory(super.sslContextFactory(), key);
    }

    /** Vert.x's OpenSSL context factory, with the ticket key and lifetime set on each server context it makes. */
    private static final class TicketingFactory implements SslContextFactory {
        private final SslContextFactory delegate;
        private final TicketKey key;

        TicketingFactory(SslContextFactory delegate, TicketKey key) {
            this.delegate = delegate;
            this.key = key;
        }

        @Override
        public SslContextFactory useAlpn(boolean useAlpn) {
            delegate.useAlpn(useAlpn);
            return this;
        }

        @Override
        public SslContextFactory clientAuth(ClientAuth clientAuth) {
            delegate.clientAuth(clientAuth);
            return this;
        }

        @Override
        public SslContextFactory forClient(boolean forClient) {
            delegate.forClient(forClient);
            return this;
        }

        @Override
        public SslContextFactory keyMananagerFactory(KeyManagerFactory factory) {
            // OpenSSL takes the key and chain in its own form; converted once, not at every handshake.
            delegate.keyMananagerFactory(factory == null ? null : new OpenSslCachingX509KeyManagerFactory(factory));
            return this;
        }

        @Override
        public SslContextFactory trustManagerFactory(TrustManagerFactory factory) {
            delegate.trustManagerFactory(factory);
            return this;
        }

        @Override
        public SslContextFactory enabledCipherSuites(Set<String> cipherSuites) {
            delegate.enabledCipherSuites(cipherSuites);
            return this;
        }

        @Override
        public SslContextFactory applicationProtocols(List<String> protocols) {
            delegate.applicationProtocols(protocols);
            return this;
        }

        @Override
        public SslContextFactory serverName(String serverName) {
            delegate.serverName(serverName);
            return this;
        }

        @Override
        public SslContext create() throws SSLException {
            SslContext context = delegate.create();
            if (context.isServer() && context.sessionContext() instanceof OpenSslSessionContext sessions) {
                sessions.setTicketKeys(key.openSsl());
                sessions.setSessionTimeout(TICKET_LIFETIME_SECONDS);
            }
            return context;
        }
    }
}
