package org.kmsagent.agent.ctl;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import org.kmsagent.agent.core.tls.PemKeyManagers;

/**
 * A client certificate and key (PEM, the key unencrypted; read as the bridge reads its own, {@link PemKeyManagers})
 * for agents that require mutual TLS ({@code bridge.tls.clientCaFile}). The token is still needed on top.
 */
public final class ClientIdentity {
    private final KeyManager[] keyManagers;

    private ClientIdentity(KeyManager[] keyManagers) {
        this.keyManagers = keyManagers;
    }

    /**
     * Reads {@code --cert} and {@code --cert-key} before dialling, so that a file that is missing, unreadable, not a
     * PEM certificate or key, or a key of another certificate is a usage error naming the option and the file (as a
     * {@code --token-file} is: {@link CtlCommand#readFile}), not a failure to connect.
     *
     * @throws IllegalArgumentException naming the option and the file, and what is wrong
     */
    public static ClientIdentity read(Path certFile, Path keyFile) {
        CtlCommand.readFile(
                "--cert", certFile, CtlCommand.MAX_PEM_FILE_BYTES, "a PEM certificate", "the PEM file in it");
        CtlCommand.readFile(
                "--cert-key", keyFile, CtlCommand.MAX_PEM_FILE_BYTES, "a PEM private key", "the PEM file in it");
        Certificate[] chain = named("--cert", () -> PemKeyManagers.chain(certFile));
        PrivateKey key = named("--cert-key", () -> PemKeyManagers.privateKey(keyFile));
        return new ClientIdentity(named(
                "--cert-key",
                () -> PemKeyManagers.of(chain, key, certFile, keyFile).getKeyManagers()));
    }

    /** Key managers presenting this identity. */
    public KeyManager[] keyManagers() {
        return keyManagers.clone();
    }

    /** PemKeyManagers' refusals name the file; the option it was given with goes before. */
    private static <T> T named(String option, Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(
                    option + ": " + e.getMessage() + ": " + e.getCause().getMessage(), e);
        }
    }
}
