package org.kmsagent.agent.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Finds which configured token a client presented, whether its secret is written in clear or as a
 * {@link TokenHash}. Every comparison is of SHA-256 digests in constant time, and every token is compared, so timing
 * tells nothing of which one matched or how much of a guess was right.
 *
 * <p>A hashed token costs one PBKDF2 derivation until it is first presented correctly; then the digest of the secret
 * that matched is kept in memory and later frames and connections compare against it like a clear token. So PBKDF2
 * is paid at a token's first authentication, not on every frame, and an unknown token costs PBKDF2 only for the
 * hashed tokens not yet used since start. Thread-safe.
 */
public final class ConfiguredTokens {
  private final List<TokenConfig> tokens;
  /** Per token: the digest of its secret, known from the start for a clear one, after first use for a hashed one. */
  private final AtomicReferenceArray<byte[]> digests;
  private final List<TokenHash> hashes;

  public ConfiguredTokens(List<TokenConfig> tokens) {
    this.tokens = List.copyOf(tokens);
    this.digests = new AtomicReferenceArray<>(this.tokens.size());
    List<TokenHash> parsed = new ArrayList<>();
    for (int i = 0; i < this.tokens.size(); i++) {
      TokenConfig t = this.tokens.get(i);
      if (t.hash() != null) {
        parsed.add(TokenHash.parse(t.hash())); // validated with the configuration
      } else {
        parsed.add(null);
        digests.set(i, digest(t.token()));
      }
    }
    this.hashes = java.util.Collections.unmodifiableList(parsed);
  }

  /** The token a client presented, or empty when it matches none. */
  public Optional<TokenConfig> match(String presented) {
    if (presented == null) {
      return Optional.empty();
    }
    byte[] d = digest(presented);
    TokenConfig found = null;
    for (int i = 0; i < tokens.size(); i++) {
      byte[] known = digests.get(i);
      if (known != null && MessageDigest.isEqual(d, known)) {
        found = tokens.get(i);
      }
    }
    if (found != null) {
      return Optional.of(found);
    }
    for (int i = 0; i < tokens.size(); i++) {
      // A hashed token already used has one secret, and it is not this one: no derivation needed.
      if (hashes.get(i) != null && digests.get(i) == null && hashes.get(i).matches(presented)) {
        digests.set(i, d);
        found = tokens.get(i);
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
