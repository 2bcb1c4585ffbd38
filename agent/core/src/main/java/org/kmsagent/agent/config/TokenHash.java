package org.kmsagent.agent.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.kmsagent.agent.core.WholeNumber;

/**
 * A token's secret stored as a salted PBKDF2-HMAC-SHA256 hash, written
 * {@code pbkdf2-sha256:<iterations>:<salt, base64>:<hash, base64>} (what {@code kms-agent token hash} prints), so
 * that a copy of the configuration file does not give the token away. Only the JDK's own PBKDF2 is used.
 *
 * @param iterations the PBKDF2 iteration count
 * @param salt the random salt
 * @param hash the derived key
 */
public record TokenHash(int iterations, byte[] salt, byte[] hash) {
    /** The scheme written before the first colon. */
    public static final String SCHEME = "pbkdf2-sha256";
    /**
     * What {@code kms-agent token hash} uses: tens of milliseconds per check here. A check runs once per hashed token
     * until that token has been presented once (see {@link ConfiguredTokens}), so this is not paid per frame.
     */
    public static final int DEFAULT_ITERATIONS = 100_000;
    /** Fewer makes a guessed token too cheap to test against a stolen file. */
    public static final int MIN_ITERATIONS = 10_000;
    /** More would hold the bridge's event loop too long at a token's first use. */
    public static final int MAX_ITERATIONS = 2_000_000;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final String FORMAT = SCHEME + ":<iterations>:<salt base64>:<hash base64>";

    public TokenHash {
        salt = salt.clone();
        hash = hash.clone();
    }

    /**
     * Reads the written form.
     *
     * @throws IllegalArgumentException saying what is wrong with it (never echoing the salt or the hash)
     */
    public static TokenHash parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must not be empty; expected " + FORMAT);
        }
        String[] parts = text.strip().split(":", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("expected " + FORMAT + " (as 'kms-agent token hash' prints it)");
        }
        // The iteration count is no secret: it is quoted back, as 'token hash --iterations' quotes it.
        int iterations = (int) WholeNumber.within(parts[1], MIN_ITERATIONS, MAX_ITERATIONS)
                .orElseThrow(() -> new IllegalArgumentException("iterations: "
                        + WholeNumber.refusal(WholeNumber.accepted("", MIN_ITERATIONS, MAX_ITERATIONS), parts[1])));
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the salt and the hash must be base64; expected " + FORMAT);
        }
        if (salt.length < 8 || hash.length != HASH_BYTES) {
            throw new IllegalArgumentException(
                    "the salt must be at least 8 bytes and the hash " + HASH_BYTES + " bytes; expected " + FORMAT);
        }
        return new TokenHash(iterations, salt, hash);
    }

    /** The hash of a token with a fresh random salt. */
    public static TokenHash of(String token, int iterations, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new TokenHash(iterations, salt, derive(token, salt, iterations));
    }

    /** Whether a presented token is the one hashed; constant time in the hash compared. */
    public boolean matches(String token) {
        return MessageDigest.isEqual(derive(token, salt, iterations), hash);
    }

    /** The written form, for the configuration file. */
    public String format() {
        return SCHEME + ":" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(hash);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenHash t
                && t.iterations == iterations
                && Arrays.equals(t.salt, salt)
                && Arrays.equals(t.hash, hash);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(salt) + Arrays.hashCode(hash) + iterations;
    }

    @Override
    public String toString() {
        return "TokenHash[" + SCHEME + ", " + iterations + " iterations]";
    }

    private static byte[] derive(String token, byte[] salt, int iterations) {
        char[] chars = token.toCharArray(); // PBKDF2WithHmacSHA256 takes the characters as UTF-8
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }
}
