package org.kmsagent.agent.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import jdk.security.jarsigner.JarSigner;

/**
 * Test fixtures: code-signing keys made with the JDK's keytool (as an administrator would), jars signed with the
 * JDK's public jar-signing API, and trust stores holding a signer's certificate.
 */
public final class SigningKeys {
    public static final String PASSWORD = "changeit-test";

    private final Path keyStore;
    private final String alias;

    private SigningKeys(Path keyStore, String alias) {
        this.keyStore = keyStore;
        this.alias = alias;
    }

    /** A new RSA key and self-signed certificate {@code CN=<name>}, in {@code dir/<name>.p12}. */
    public static SigningKeys generate(Path dir, String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool(
                "-genkeypair",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-alias",
                name,
                "-dname",
                "CN=" + name,
                "-validity",
                "30",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD);
        return new SigningKeys(store, name);
    }

    /** Signs {@code jar} in place with this key. */
    public void sign(Path jar) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey(alias, PASSWORD.toCharArray());
        X509Certificate cert = (X509Certificate) ks.getCertificate(alias);
        JarSigner signer = new JarSigner.Builder(
                        key, CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)))
                .digestAlgorithm("SHA-256")
                .build();
        Path signed = jar.resolveSibling(jar.getFileName() + ".signed");
        try (ZipFile in = new ZipFile(jar.toFile());
                OutputStream out = Files.newOutputStream(signed)) {
            signer.sign(in, out);
        }
        Files.move(signed, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A trust store {@code dir/<file>} holding this key's certificate only, imported as an administrator would. */
    public Path trustStore(Path dir, String file) throws Exception {
        Path cer = dir.resolve(alias + ".cer");
        Path trust = dir.resolve(file);
        keytool(
                "-exportcert",
                "-alias",
                alias,
                "-keystore",
                keyStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-file",
                cer.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                alias,
                "-file",
                cer.toString(),
                "-keystore",
                trust.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD);
        return trust;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
