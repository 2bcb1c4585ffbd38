package org.kmsagent.agent.link;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.kmsagent.agent.bus.bridge.TlsMaterial;

/**
 * Trusts exactly the hub certificates whose SHA-256 fingerprints are configured ({@code fleet.trust}); no CA, no
 * host name check once pinned, and never trust-all.
 */
final class PinnedCertificates implements X509TrustManager {
    private final List<String> fingerprints;

    PinnedCertificates(List<String> fingerprints) {
        this.fingerprints = fingerprints.stream()
                .map(f -> {
                    String canonical = TlsMaterial.normalise(f);
                    if (canonical == null) {
                        throw new IllegalArgumentException(
                                "fleet.trust: expected SHA-256 fingerprints (64 hex digits), got " + f);
                    }
                    return canonical;
                })
                .toList();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the hub sent no certificate");
        }
        String seen = TlsMaterial.fingerprint(chain[0]);
        if (!fingerprints.contains(seen)) {
            throw new CertificateException("the hub's certificate fingerprint " + seen + " is not one of fleet.trust");
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
