package org.kmsagent.agent.bus.bridge;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.kmsagent.agent.config.CertificateFingerprint;

/**
 * Trusts exactly the server certificates whose SHA-256 fingerprints are pinned, whatever their chain: no CA, no host
 * name check once pinned, and never trust-all. Every client that pins uses it: {@code ctl --trust} (an agent or a
 * hub) and an agent's fleet link ({@code fleet.trust}, its hubs). A refusal names the certificate's fingerprint, so
 * that an operator sees which one to pin.
 */
public final class PinningTrustManager implements X509TrustManager {
    private final List<String> fingerprints;
    private final String peer;
    private final String pins;

    /**
     * @param fingerprints the pinned fingerprints as {@link CertificateFingerprint#parse} gives them; any one matches
     * @param peer what is connected to, as a refusal names it: {@code agent}, {@code hub}
     * @param pins what is pinned, as a refusal names it: {@code the pinned AB:…}, {@code one of fleet.trust}
     */
    public PinningTrustManager(List<String> fingerprints, String peer, String pins) {
        this.fingerprints = List.copyOf(fingerprints);
        this.peer = peer;
        this.pins = pins;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the " + peer + " sent no certificate");
        }
        String seen = CertificateFingerprint.of(chain[0]);
        if (!fingerprints.contains(seen)) {
            throw new CertificateException("the " + peer + "'s certificate fingerprint is " + seen + ", not " + pins);
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
