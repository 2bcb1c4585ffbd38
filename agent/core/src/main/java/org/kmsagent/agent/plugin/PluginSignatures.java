package org.kmsagent.agent.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Whether a plugin jar may be loaded, judged from its signatures before PF4J opens it (so before any of its classes
 * is loaded). With no trust store every jar passes. With one, every entry of the jar must be signed by a certificate
 * the store holds, or one issued by a certificate it holds; the signature files themselves and the manifest are the
 * only entries exempt. Reading each entry in full is what makes {@link JarFile} compare it with its signed digest.
 *
 * <p>What this does not check: a certificate's validity dates and revocation (take a certificate out of the store to
 * stop trusting it), and a jar swapped between this check and PF4J's read of it: the plugins directory must be
 * writable by administrators only, as docs/operations.md ("Signed plugins") says.
 */
public final class PluginSignatures {
    private static final PluginSignatures NOT_CHECKED = new PluginSignatures(List.of(), "", null);

    private final List<X509Certificate> trusted;
    private final String source;
    /** Why every jar is refused (the configured store cannot be read), or null. */
    private final String broken;

    private PluginSignatures(List<X509Certificate> trusted, String source, String broken) {
        this.trusted = List.copyOf(trusted);
        this.source = source;
        this.broken = broken;
    }

    /**
     * What the configuration asks for: not checked when no store is named; when the named store cannot be read,
     * every jar is refused with that reason (a check that was asked for is never silently dropped).
     *
     * @param store {@code plugins.trustStore}, or null
     * @param password {@code plugins.trustStorePassword}, or null
     */
    public static PluginSignatures configured(String store, String password) {
        if (store == null) {
            return NOT_CHECKED;
        }
        try {
            return trusting(Path.of(store), password == null ? null : password.toCharArray());
        } catch (IOException | RuntimeException e) {
            return new PluginSignatures(
                    List.of(),
                    store,
                    "plugins.trustStore " + store + " cannot be read (" + e.getMessage() + "); no plugin is loaded");
        }
    }

    /** Every jar passes: no trust store is configured. */
    public static PluginSignatures notChecked() {
        return NOT_CHECKED;
    }

    /**
     * The certificates of a PKCS#12 trust store (its trusted-certificate entries and the certificates of its key
     * entries).
     *
     * @throws IOException when the file cannot be read, the password is wrong, or it holds no certificate
     */
    public static PluginSignatures trusting(Path store, char[] password) throws IOException {
        KeyStore ks;
        try (InputStream in = Files.newInputStream(store)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password shows as an IOException from load(), like a damaged file.
            throw new IOException("cannot open it as a PKCS#12 trust store (" + e.getMessage() + ")", e);
        }
        List<X509Certificate> certs = new ArrayList<>();
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.getCertificate(alias) instanceof X509Certificate c) {
                    certs.add(c);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read its certificates: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IOException("holds no certificate (import one with keytool -importcert)");
        }
        return new PluginSignatures(certs, store.toString(), null);
    }

    /** Whether signatures are checked at all. */
    public boolean checked() {
        return !trusted.isEmpty() || broken != null;
    }

    /** One line for the banner: what is checked, against what. */
    public String describe() {
        if (broken != null) {
            return "plugin signatures: " + broken;
        }
        return checked()
                ? "plugin signatures checked against " + trusted.size() + " certificate(s) of " + source
                : "plugin signatures not checked (plugins.trustStore is not set)";
    }

    /**
     * Refuses a jar that is not wholly signed by a trusted key.
     *
     * @throws CatalogException naming why: not signed, partly signed, an entry changed since signing, or signed by a
     *     key the store does not trust
     */
    public void verify(Path jar) throws CatalogException {
        if (!checked()) {
            return;
        }
        if (broken != null) {
            throw new CatalogException("refused: " + broken);
        }
        List<String> unsigned = new ArrayList<>();
        X509Certificate untrusted = null;
        int signed = 0;
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            byte[] buffer = new byte[8192];
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || isSignatureFile(entry.getName())) {
                    continue;
                }
                try (InputStream in = file.getInputStream(entry)) {
                    while (in.read(buffer) >= 0) {
                        // Reading to the end is what checks the entry against the digest its signature covers.
                    }
                } catch (SecurityException e) {
                    throw new CatalogException("refused: " + entry.getName() + " was changed after the jar was signed ("
                            + e.getMessage() + ")");
                }
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    unsigned.add(entry.getName());
                    continue;
                }
                signed++;
                X509Certificate signer = firstUntrusted(signers);
                if (signer != null) {
                    untrusted = signer;
                }
            }
        } catch (SecurityException e) {
            throw new CatalogException("refused: its signature does not verify (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new CatalogException("refused: cannot read it to check its signature: " + e.getMessage());
        }
        if (signed == 0) {
            throw new CatalogException("refused: not signed; plugins.trustStore requires every plugin jar to be signed "
                    + "by a trusted key (jarsigner)");
        }
        if (!unsigned.isEmpty()) {
            throw new CatalogException("refused: partly signed: " + unsigned.size() + " entr"
                    + (unsigned.size() == 1 ? "y is" : "ies are") + " not covered by its signature (" + unsigned.get(0)
                    + (unsigned.size() > 1 ? ", ..." : "") + ")");
        }
        if (untrusted != null) {
            throw new CatalogException("refused: signed by "
                    + untrusted.getSubjectX500Principal().getName() + ", a key plugins.trustStore does not trust");
        }
    }

    /** The signer certificate of the first signature no trusted certificate vouches for; null when all are trusted. */
    private X509Certificate firstUntrusted(CodeSigner[] signers) {
        for (CodeSigner s : signers) {
            List<? extends Certificate> path = s.getSignerCertPath().getCertificates();
            if (!vouchedFor(path)) {
                return (X509Certificate) path.get(0);
            }
        }
        return null;
    }

    /**
     * Whether a signer's chain holds a trusted certificate, or a certificate a trusted one issued. The chain itself
     * was checked by the jar verifier (each certificate signed by the next).
     */
    private boolean vouchedFor(List<? extends Certificate> path) {
        for (Certificate c : path) {
            if (!(c instanceof X509Certificate x)) {
                continue;
            }
            for (X509Certificate t : trusted) {
                if (t.equals(x)) {
                    return true;
                }
                if (t.getSubjectX500Principal().equals(x.getIssuerX500Principal())) {
                    try {
                        x.verify(t.getPublicKey());
                        return true;
                    } catch (GeneralSecurityException e) {
                        // Same issuer name, other key: not this one.
                    }
                }
            }
        }
        return false;
    }

    /** The manifest and the signature block files, which a signature cannot cover itself. */
    static boolean isSignatureFile(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        return upper.equals("META-INF/MANIFEST.MF")
                || upper.endsWith(".SF")
                || upper.endsWith(".RSA")
                || upper.endsWith(".DSA")
                || upper.endsWith(".EC")
                || upper.startsWith("META-INF/SIG-");
    }
}
