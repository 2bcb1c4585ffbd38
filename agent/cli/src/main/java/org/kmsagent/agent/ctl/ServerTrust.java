package org.kmsagent.agent.ctl;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.kmsagent.agent.bus.bridge.PinningTrustManager;
import org.kmsagent.agent.config.CertificateFingerprint;

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
     * @param fingerprint in the printed form, as {@link CertificateFingerprint#parse} reads it from what a person
     *     wrote (once, where ctl knows whether it came from {@code --trust} or {@code KMSAGENT_TRUST}) or
     *     {@link CertificateFingerprint#of} gives it for a certificate
     * @param peer what is connected to, as a refusal names it: "agent", or "hub" for {@code ctl --hub}
     */
    record Pinned(String fingerprint, String peer) implements ServerTrust {
        /** Pinning an agent's certificate. */
        public Pinned(String fingerprint) {
            this(fingerprint, "agent");
        }

        @Override
        public SSLContext context(KeyManager[] clientKeys) throws GeneralSecurityException {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(
                    clientKeys,
                    new TrustManager[] {new PinningTrustManager(List.of(fingerprint), peer, "the pinned " + fingerprint)
                    },
                    null);
            return ctx;
        }
    }

    /**
     * Trust certificates issued by the CAs of a PEM file, for the host name connected to. The certificates were read
     * before dialling ({@link CtlCommand#caFile}), so that a file that is not one is a usage error naming it.
     */
    record CaFile(Path file, List<Certificate> certificates) implements ServerTrust {
        public CaFile {
            certificates = List.copyOf(certificates);
        }

        @Override
        public SSLContext context(KeyManager[] clientKeys) throws GeneralSecurityException, IOException {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : certificates) {
                store.setCertificateEntry("ca-" + i++, cert);
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
}
