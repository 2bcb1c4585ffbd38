package org.kmsagent.agent.core.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A key manager from a PEM certificate chain and a PEM private key, without a password-protected key store.
 *
 * <p>Why not Vert.x's {@code PemKeyCertOptions}: it puts the key into an in-memory PKCS#12 store under a fixed password
 * and takes it out again, and each of those steps runs PBKDF2 with the JDK's 10,000 iterations. With the machine
 * agent's late C1 compiler that cost about 150 ms of every start (docs/performance-log.md, "Machine agent start-up
 * footprint"), to protect a key in memory with a password printed in Vert.x's source. The key here goes into a JKS
 * store in memory, whose key protection is a few SHA-1 rounds; nothing is written anywhere.
 *
 * <p>Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}, what the agent makes and what OpenSSL 3 writes; EC, RSA or
 * Ed25519) and the older OpenSSL forms Vert.x also read, PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) and SEC 1 EC
 * ({@code BEGIN EC PRIVATE KEY}, its curve named inside it). An encrypted key is refused with a way to decrypt it.
 *
 * <p>The one reader of the configuration's PEM files ({@code bridge.tls.*}, {@code fleet.caFile}): the check of the
 * configuration reads them here, as the bridge, the dashboard, the fleet link and {@code ctl --cert} do, so what the
 * check accepts is what they use.
 */
public final class PemKeyManagers {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    /** The algorithm identifier of an RSA key: SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };
    /** The DER of OID 1.2.840.10045.2.1 (an EC public key), which an EC key's algorithm identifier starts with. */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
    };

    private static final String ALIAS = "server";
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private PemKeyManagers() {}

    /**
     * The key manager presenting {@code keyFile}'s key with {@code certFile}'s chain: a server's (the bridge, the
     * dashboard) or a client's ({@code ctl --cert}).
     *
     * @throws IllegalArgumentException naming the file when either is not what it should be
     * @throws UncheckedIOException when either cannot be read
     */
    public static KeyManagerFactory of(Path certFile, Path keyFile) {
        return of(chain(certFile), privateKey(keyFile), certFile, keyFile);
    }

    /**
     * As {@link #of(Path, Path)}, for a chain and key already read (by {@link #chain} and {@link #privateKey}): a
     * caller that names each file's problem after its own option reads them one by one ({@code ctl --cert}).
     *
     * @throws IllegalArgumentException naming both files when the key is not the certificate's
     */
    public static KeyManagerFactory of(Certificate[] chain, PrivateKey key, Path certFile, Path keyFile) {
        requireMatch(chain[0], key, certFile, keyFile);
        try {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, IN_MEMORY, chain);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(
                    "the key in " + keyFile + " cannot be used with the certificate in " + certFile + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Refuses a key that is not the one of the certificate's public key: TLS would accept the pair and every handshake
     * would then fail ({@code handshake_failure}) with nothing said at either end. A few bytes signed with the key are
     * verified with the certificate's public key.
     *
     * @throws IllegalArgumentException naming both files when they do not belong together
     */
    public static void requireMatch(Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
        String mismatch = "the key in " + keyFile + " does not match the certificate in " + certFile;
        PublicKey publicKey = cert.getPublicKey();
        String algorithm = signatureAlgorithm(key);
        if (algorithm == null) {
            return; // a key type TLS would judge by itself
        }
        if (!keyType(key.getAlgorithm()).equals(keyType(publicKey.getAlgorithm()))) {
            throw new IllegalArgumentException(mismatch + " (an " + key.getAlgorithm() + " key; the certificate's is "
                    + publicKey.getAlgorithm() + ")");
        }
        byte[] probe = "kms-agent: does this key belong to this certificate?".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(mismatch);
            }
        } catch (GeneralSecurityException e) {
            // e.g. an EC key on another curve than the certificate's
            throw new IllegalArgumentException(mismatch + " (" + e.getMessage() + ")", e);
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "EdDSA";
            default -> null;
        };
    }

    /** The JDK names an Edwards-curve key EdDSA or Ed25519 depending on how it was made. */
    private static String keyType(String algorithm) {
        return algorithm.startsWith("Ed") ? "EdDSA" : algorithm;
    }

    /**
     * The certificates of a PEM file, the server's (or client's) own first.
     *
     * @throws IllegalArgumentException naming the file when it holds no certificate
     * @throws UncheckedIOException when it cannot be read
     */
    public static Certificate[] chain(Path certFile) {
        try (InputStream in = Files.newInputStream(certFile)) {
            Collection<? extends Certificate> certs = certificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no PEM certificate in " + certFile);
            }
            return certs.toArray(Certificate[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read certificate " + certFile, e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + certFile + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The certificates a stream holds: PEM, DER (a .cer as Windows' certmgr exports it by default) or PKCS#7, as the
     * JDK reads them; the one reader of certificates for the bridge, the hubs and {@code ctl --ca}.
     *
     * @throws CertificateException data that is no certificate
     */
    public static Collection<? extends Certificate> certificates(InputStream in) throws CertificateException {
        return CertificateFactory.getInstance("X.509").generateCertificates(in);
    }

    /**
     * The trust manager of the CA certificates in {@code caFile} ({@link #chain}): a peer certificate they did not
     * issue fails the handshake; with host-name verification asked for on the engine, the name is checked too.
     *
     * @throws IllegalArgumentException naming the file when it holds no certificate, or they cannot be trusted
     * @throws UncheckedIOException when it cannot be read
     */
    public static X509ExtendedTrustManager trustManager(Path caFile) {
        Certificate[] cas = chain(caFile);
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < cas.length; i++) {
                store.setCertificateEntry("ca-" + i, cas[i]);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager m : factory.getTrustManagers()) {
                if (m instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("no X.509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(
                    "the CA certificates in " + caFile + " cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * The private key of a PEM file: PKCS#8, or OpenSSL's older PKCS#1 RSA or SEC 1 EC form.
     *
     * @throws IllegalArgumentException naming the file when it holds no usable key (an encrypted one included)
     * @throws UncheckedIOException when it cannot be read
     */
    public static PrivateKey privateKey(Path keyFile) {
        String text;
        try {
            text = Files.readString(keyFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read private key " + keyFile, e);
        }
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            if (type.equals("EC PARAMETERS")) {
                continue; // `openssl ecparam -genkey` writes the curve's name before the key
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("damaged PEM text in " + keyFile + ": " + e.getMessage(), e);
            }
            byte[] pkcs8 = switch (type) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> pkcs8(RSA_ALGORITHM, der);
                case "EC PRIVATE KEY" -> pkcs8(ecAlgorithm(der, keyFile), der);
                case "ENCRYPTED PRIVATE KEY" ->
                    throw new IllegalArgumentException("the private key in " + keyFile
                            + " is encrypted; give an unencrypted copy, readable only by the account that uses it"
                            + " (openssl pkey -in " + keyFile + " -out <new file>)");
                default ->
                    throw new IllegalArgumentException("no private key in " + keyFile + ": its PEM block is a " + type);
            };
            return decode(pkcs8, keyFile);
        }
        throw new IllegalArgumentException("no PEM private key in " + keyFile);
    }

    private static PrivateKey decode(byte[] pkcs8, Path keyFile) {
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException tryNext) {
                // not a key of this algorithm
            }
        }
        throw new IllegalArgumentException(
                "the private key in " + keyFile + " is not an EC, RSA or Ed25519 key the JDK can read");
    }

    /**
     * The algorithm identifier of a SEC 1 EC key: {@code SEQUENCE { ecPublicKey, <curve> }}, the curve taken from the
     * key's own {@code [0]} parameters (SEC 1, C.4: {@code ECPrivateKey ::= SEQUENCE { version, privateKey OCTET
     * STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }}).
     */
    private static byte[] ecAlgorithm(byte[] sec1, Path keyFile) {
        try {
            Der key = new Der(sec1, 0);
            Der field = key.firstInside(0x30);
            while (field != null) {
                if (field.tag == 0xa0) {
                    Der curve = field.firstInside(0xa0);
                    if (curve.tag != 0x06) {
                        break; // explicit curve parameters: not a named curve
                    }
                    ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
                    algorithm.writeBytes(EC_PUBLIC_KEY_OID);
                    algorithm.write(sec1, curve.start, curve.end - curve.start);
                    return tlv(0x30, algorithm.toByteArray());
                }
                field = field.next(key);
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("damaged EC private key in " + keyFile, e);
        }
        throw new IllegalArgumentException("the EC private key in " + keyFile
                + " does not name its curve; write it as PKCS#8 (openssl pkey -in " + keyFile + " -out <new file>)");
    }

    /** {@code PrivateKeyInfo ::= SEQUENCE { INTEGER 0, algorithm, OCTET STRING key }} (RFC 5208). */
    private static byte[] pkcs8(byte[] algorithm, byte[] key) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(new byte[] {0x02, 0x01, 0x00});
        info.writeBytes(algorithm);
        info.writeBytes(tlv(0x04, key));
        return tlv(0x30, info.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    /** One DER element: its tag, where it starts, where its value starts and where it ends in the bytes. */
    private static final class Der {
        final byte[] bytes;
        final int tag;
        final int start;
        final int valueStart;
        final int end;

        Der(byte[] bytes, int at) {
            this.bytes = bytes;
            this.tag = bytes[at] & 0xff;
            int first = bytes[at + 1] & 0xff;
            int octets = first >= 0x80 ? first & 0x7f : 0;
            // More than three length octets, or a length past the end or pointing back, is damage: refused, never
            // walked (no loop back).
            if (octets > 3) {
                throw new IndexOutOfBoundsException("length of " + octets + " octets");
            }
            int length = octets == 0 ? first : 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (bytes[at + 2 + i] & 0xff);
            }
            this.start = at;
            this.valueStart = at + 2 + octets;
            this.end = valueStart + length;
            if (end > bytes.length || end <= at) {
                throw new IndexOutOfBoundsException("element runs past the end");
            }
        }

        /** The first element inside this one, which must have the given tag. */
        Der firstInside(int expectedTag) {
            if (tag != expectedTag) {
                throw new IndexOutOfBoundsException("unexpected tag " + tag);
            }
            return new Der(bytes, valueStart);
        }

        /** The element after this one inside {@code parent}, or null at its end. */
        Der next(Der parent) {
            return end < parent.end ? new Der(bytes, end) : null;
        }
    }
}
