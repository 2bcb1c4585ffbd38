package org.kmsagent.agent.ctl;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import org.kmsagent.agent.bus.bridge.PemKeyManagers;

/**
 * A client certificate and key (PEM, the key unencrypted; read as the bridge reads its own, {@link PemKeyManagers})
 * for agents that require mutual TLS ({@code bridge.tls.clientCaFile}). The token is still needed on top.
 */
public record ClientIdentity(Path certFile, Path keyFile) {

    /**
     * Key managers presenting this identity.
     *
     * @throws GeneralSecurityException naming the file that cannot be used
     */
    public KeyManager[] keyManagers() throws GeneralSecurityException {
        try {
            return PemKeyManagers.of(certFile, keyFile).getKeyManagers();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new GeneralSecurityException("--cert/--cert-key: " + e.getMessage(), e);
        }
    }
}
