package org.kmsagent.agent.bus.bridge;

import io.vertx.core.net.NetSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.kmsagent.agent.core.tls.PemKeyManagers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS at the bridge ({@code bridge.tls.clientCaFile}), with a warning naming the client for each connection
 * refused for its certificate: without it, a client with no certificate or one from another CA saw only a broken
 * pipe, and the agent logged nothing.
 *
 * <p>The server asks for a certificate rather than requiring one in the handshake, so that a client that presents none
 * can be told so ({@link #refusal}) before anything else is read; a certificate that is presented must still chain to
 * one of the configured CAs, or the handshake fails ({@link #trustManager}).
 */
final class ClientCertificates {
    private static final Logger LOG = LoggerFactory.getLogger(AgentBridge.class);

    /** The {@code err} frame's message to a client that presented no certificate. */
    static final String REQUIRED = "client_certificate_required";

    private ClientCertificates() {}

    /**
     * The trust manager of the CAs in {@code caFile}: a client certificate they did not issue fails the handshake, and
     * is logged at WARN with the client's address.
     */
    static TrustManager trustManager(Path caFile) {
        X509ExtendedTrustManager pkix = PemKeyManagers.trustManager(caFile);
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                try {
                    pkix.checkClientTrusted(chain, authType, engine);
                } catch (CertificateException e) {
                    String from = engine == null || engine.getPeerHost() == null
                            ? "a client"
                            : engine.getPeerHost() + ":" + engine.getPeerPort();
                    LOG.warn(
                            "bridge: refused a connection from {}: its client certificate ({}) is not issued by a CA"
                                    + " in bridge.tls.clientCaFile ({})",
                            from,
                            chain.length == 0
                                    ? "none"
                                    : chain[0].getSubjectX500Principal().getName(),
                            e.getMessage());
                    throw e;
                }
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                pkix.checkClientTrusted(chain, authType, socket);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkix.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                pkix.checkServerTrusted(chain, authType, engine);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                pkix.checkServerTrusted(chain, authType, socket);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkix.checkServerTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return pkix.getAcceptedIssuers();
            }
        };
    }

    /**
     * Why a connection is refused before anything is read from it: it presented no client certificate; null when it
     * presented one (already checked in the handshake).
     */
    static String refusal(NetSocket socket) {
        try {
            if (!socket.peerCertificates().isEmpty()) {
                return null;
            }
        } catch (SSLPeerUnverifiedException none) {
            // no certificate
        }
        return REQUIRED;
    }
}
