package org.kmsagent.agent.ctl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.kmsagent.agent.bus.bridge.TlsMaterial;

/**
 * How {@code ctl} decides to trust the agent's certificate: pinned by its SHA-256 fingerprint (which {@code
 * kms-agent run} prints), or issued by a CA from a PEM file (then the host name is checked too). There is no
 * trust-all.
 */
public sealed interface ServerTrust {

    /** A context for the client socket, presenting the given client key managers (null: none). */
    SSLContext context(KeyManager[] clientKeys) throws GeneralSecurityException, IOException;

    /** A context that presents no client certificate. */
    default SSLContext context() throws GeneralSecurityException, IOException {
        return context(null);
    }

    /** Adjusts the socket before the handshake. */
    default void configure(SSLSocket socket) {}

    /**
     * Trust exactly the certificate with this fingerprint.
     *
     * @param peer what is connected to, as a refusal names it: "agent", or "hub" for {@code ctl --hub}
     */
    record Pinned(String fingerprint, String peer) implements ServerTrust {
        public Pinned {
            String canonical = TlsMaterial.normalise(fingerprint);
            if (canonical == null) {
                throw new IllegalArgumentException(
                        "--trust: expected a SHA-256 fingerprint (64 hex digits, colons optional)");
            }
            fingerprint = canonical;
        }

        /** Pinning an agent's certificate. */
        public Pinned(String fingerprint) {
            this(fingerprint, "agent");
        }

        @Override
        public SSLContext context(KeyManager[] clientKeys) throws GeneralSecurityException {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(clientKeys, new TrustManager[] {new PinningTrustManager(fingerprint, peer)}, null);
            return ctx;
        }
    }

    /** Trust certificates issued by the CAs in a PEM file, for the host name connected to. */
    record CaFile(Path file) implements ServerTrust {
        @Override
        public SSLContext context(KeyManager[] clientKeys) throws GeneralSecurityException, IOException {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(file)) {
                int i = 0;
                for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, cert);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(clientKeys, tmf.getTrustManagers(), null);
            return ctx;
        }

        @Override
        public void configure(SSLSocket socket) {
            SSLParameters p = socket.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(p);
        }
    }

    /** Accepts exactly one leaf certificate, by fingerprint; the chain and host name do not matter once pinned. */
    final class PinningTrustManager implements X509TrustManager {
        private final String fingerprint;
        private final String peer;

        PinningTrustManager(String fingerprint, String peer) {
            this.fingerprint = fingerprint;
            this.peer = peer;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the " + peer + " sent no certificate");
            }
            String seen = TlsMaterial.fingerprint(chain[0]);
            if (!seen.equals(fingerprint)) {
                throw new CertificateException(
                        "the " + peer + "'s certificate fingerprint is " + seen + ", not the pinned " + fingerprint);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
