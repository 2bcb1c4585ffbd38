package org.kmsagent.agent.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.kmsagent.agent.core.BoundedInput;

/**
 * A certificate's SHA-256 fingerprint: as an agent or a hub prints its bridge certificate's, and as people pin one
 * ({@code ctl --trust}, {@code KMSAGENT_TRUST}, {@code fleet.trust}). One form is printed and compared, upper-case hex
 * pairs joined by colons; what a person writes may be in any case, with colons (or spaces) between the digits or not.
 */
public final class CertificateFingerprint {
    private static final HexFormat PRINTED = HexFormat.ofDelimiter(":").withUpperCase();
    /** ASCII hex only: upper-casing first would let a character such as U+FB00 (ff) pass as two digits. */
    private static final Pattern DIGITS = Pattern.compile("[0-9A-Fa-f]{64}");
    /** What {@link #PRINTED} writes for 32 bytes. */
    private static final Pattern PRINTED_FORM = Pattern.compile("([0-9A-F]{2}:){31}[0-9A-F]{2}");

    private CertificateFingerprint() {}

    /** The fingerprint of a certificate, in the printed form. */
    public static String of(X509Certificate cert) {
        try {
            return PRINTED.formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A fingerprint as a person gave it, in the printed form that {@link #of} gives and pins compare.
     *
     * @param source where it was written, as a refusal names it: {@code --trust}, {@code fleet.trust[0]}
     * @throws IllegalArgumentException naming {@code source} and the text when it is not 64 hex digits
     */
    public static String parse(String text, String source) {
        return printed(text).orElseThrow(() -> new IllegalArgumentException(refusal(text, source)));
    }

    /** A fingerprint as a person gave it, in the printed form; empty when it is not 64 hex digits. */
    static Optional<String> printed(String text) {
        String digits = text == null ? "" : text.replace(":", "").replace(" ", "");
        return DIGITS.matcher(digits).matches()
                ? Optional.of(PRINTED.formatHex(HexFormat.of().parseHex(digits)))
                : Optional.empty();
    }

    /** Whether {@code text} is in the printed form, as {@link #printed} (and {@link #parse}) give it. */
    static boolean isPrinted(String text) {
        return text != null && PRINTED_FORM.matcher(text).matches();
    }

    /** Why {@code text}, written at {@code source}, is no fingerprint. */
    static String refusal(String text, String source) {
        return source + ": expected a SHA-256 fingerprint (64 hex digits, colons optional)"
                + (text == null ? "" : ", got '" + BoundedInput.shown(text.strip()) + "'");
    }
}
