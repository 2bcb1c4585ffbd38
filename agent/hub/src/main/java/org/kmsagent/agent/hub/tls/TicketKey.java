package org.kmsagent.agent.hub.tls;

import io.netty.handler.ssl.OpenSslSessionTicketKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that encrypts a hub's TLS session tickets, derived from the private key of its bridge certificate (HKDF
 * with SHA-256, RFC 5869). Hubs that share a certificate (docs/fleet.md) therefore share this key, and so does a hub
 * after a restart: a ticket one issued is accepted by the others. Whoever holds the certificate's key can already be
 * the hub, so the ticket key gives nothing more away; TLS 1.3 resumption here always makes a fresh key exchange
 * (psk_dhe_ke), so traffic stays forward-secret whatever happens to either key.
 */
final class TicketKey {
    private static final byte[] SALT = "kms-agent bridge session tickets".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO = "ticket key v1".getBytes(StandardCharsets.US_ASCII);

    /** The ticket key's name (16 bytes), HMAC key (16) and AES key (16), one after the other. */
    private final byte[] material;

    private TicketKey(byte[] material) {
        this.material = material;
    }

    /** The key for a bridge serving with {@code certificateKey}. */
    static TicketKey derive(PrivateKey certificateKey) {
        byte[] material = certificateKey.getEncoded();
        if (material == null) {
            throw new IllegalArgumentException("the bridge's private key cannot be read out to derive session tickets");
        }
        return new TicketKey(hkdf(material, OpenSslSessionTicketKey.TICKET_KEY_SIZE));
    }

    /** The key as OpenSSL takes it (a copy each time). */
    OpenSslSessionTicketKey openSsl() {
        int name = OpenSslSessionTicketKey.NAME_SIZE;
        int hmac = name + OpenSslSessionTicketKey.HMAC_KEY_SIZE;
        return new OpenSslSessionTicketKey(
                Arrays.copyOfRange(material, 0, name),
                Arrays.copyOfRange(material, name, hmac),
                Arrays.copyOfRange(material, hmac, hmac + OpenSslSessionTicketKey.AES_KEY_SIZE));
    }

    private static byte[] hkdf(byte[] inputKey, int length) {
        try {
            Mac extract = Mac.getInstance("HmacSHA256");
            extract.init(new SecretKeySpec(SALT, "HmacSHA256"));
            byte[] prk = extract.doFinal(inputKey);
            Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(prk, "HmacSHA256"));
            byte[] out = new byte[length];
            byte[] block = new byte[0];
            for (int done = 0, i = 1; done < length; i++) {
                expand.update(block);
                expand.update(INFO);
                expand.update((byte) i);
                block = expand.doFinal();
                System.arraycopy(block, 0, out, done, Math.min(block.length, length - done));
                done += block.length;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
        }
    }
}
