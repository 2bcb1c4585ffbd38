package org.kmsagent.agent.bus.bridge;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.kmsagent.agent.config.CertificateFingerprint;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.core.OwnerOnly;
import org.kmsagent.agent.core.tls.PemKeyManagers;

/**
 * The bridge's certificate and key: the configured PEM files, or a self-signed pair made at first start and kept in
 * {@code <dataDir>/tls/} so that its fingerprint stays the same across restarts (clients pin it).
 *
 * @param certFile the PEM certificate
 * @param keyFile the PEM private key
 * @param fingerprint SHA-256 of the certificate's DER encoding ({@link CertificateFingerprint})
 * @param selfSigned whether it was made by the agent
 */
public record TlsMaterial(Path certFile, Path keyFile, String fingerprint, boolean selfSigned) {

    /**
     * Loads the configured files, or loads (making it first, if needed) the self-signed pair in the data dir. Half a
     * pair is damaged material, never made whole by writing a new pair over the half that is left: its key or
     * certificate would be lost, and the fingerprint clients pin would change without a word.
     *
     * @throws IllegalStateException one file of the self-signed pair is there and the other is not (the message names
     *     the one missing)
     */
    public static TlsMaterial load(TlsConfig tls, Path dataDir) {
        if (tls.certFile() != null) {
            Path cert = Path.of(tls.certFile());
            return new TlsMaterial(cert, Path.of(tls.keyFile()), fingerprint(cert), false);
        }
        Path dir = dataDir.resolve("tls");
        Path cert = dir.resolve("agent-cert.pem");
        Path key = dir.resolve("agent-key.pem");
        boolean hasCert = Files.isRegularFile(cert);
        boolean hasKey = Files.isRegularFile(key);
        if (hasCert != hasKey) {
            Path missing = hasCert ? key : cert;
            throw new IllegalStateException(missing + (Files.exists(missing) ? " is not a file" : " is missing"));
        }
        if (!hasCert) {
            generate(dir, cert, key);
        }
        return new TlsMaterial(cert, key, fingerprint(cert), true);
    }

    /**
     * Options for a Vert.x server, read from the files now ({@link PemKeyManagers}: without the PBKDF2 rounds of
     * Vert.x's own PEM options).
     *
     * @throws IllegalArgumentException naming the file when the certificate or the key cannot be used
     */
    public KeyCertOptions keyCertOptions() {
        return KeyCertOptions.wrap(PemKeyManagers.of(certFile, keyFile));
    }

    /**
     * Makes a self-signed pair with an EC P-256 key: the server signs in every TLS handshake, and an ECDSA P-256
     * signature costs an order of magnitude less CPU than an RSA-2048 one (a hub handshakes with thousands of agents;
     * docs/performance-log.md). Pairs made earlier with an RSA key keep working: their files are loaded as they are.
     */
    private static void generate(Path dir, Path cert, Path key) {
        // Netty makes the pair with the JDK when BouncyCastle is absent (docs/building.md §10).
        SelfSignedCertificate made;
        try {
            made = new SelfSignedCertificate("localhost", "EC", 256);
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot make a self-signed certificate", e);
        }
        try {
            OwnerOnly.directories(dir);
            Path keyTmp = dir.resolve("agent-key.pem.tmp");
            Files.deleteIfExists(keyTmp);
            Files.createFile(keyTmp, OwnerOnly.fileAttributes(keyTmp));
            Files.write(keyTmp, Files.readAllBytes(made.privateKey().toPath()));
            Files.copy(
                    made.certificate().toPath(),
                    dir.resolve("agent-cert.pem.tmp"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.move(keyTmp, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(
                    dir.resolve("agent-cert.pem.tmp"),
                    cert,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bridge's TLS certificate into " + dir, e);
        } finally {
            made.delete();
        }
    }

    /** The SHA-256 fingerprint of the first certificate in a PEM file. */
    public static String fingerprint(Path pemCert) {
        return CertificateFingerprint.of((X509Certificate) PemKeyManagers.chain(pemCert)[0]);
    }
}
