package org.kmsagent.agent.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds which configured token a client presented, whether its secret is written in clear or as a
 * {@link TokenHash}. Every comparison is of SHA-256 digests in constant time, and every token is compared, so timing
 * tells nothing of which one matched or how much of a guess was right.
 *
 * <p>A hashed token costs one PBKDF2 derivation until it is first presented correctly; then the digest of the secret
 * that matched is kept in memory and later frames and connections compare against it like a clear token. So PBKDF2
 * is paid at a token's first authentication, not on every frame, and an unknown token costs PBKDF2 only for the
 * hashed tokens not yet used since start.
 *
 * <p>Those checks run on the caller's thread (the bridge's event loop) and take about a tenth of a second each, so at
 * most {@link #MAX_CHECKS_PER_SECOND} run per second: beyond that an unknown token is refused without being checked
 * (a flood of guesses cannot hold the bridge up; a right token refused then is accepted on the client's next try).
 * A secret already checked against every hashed token not yet used, and matching none, is remembered (its digest,
 * the last {@link #REFUSALS_REMEMBERED}) and refused again without a check: machines that keep presenting a token
 * since replaced, say, do not spend the allowance that an operator's first sign-in needs. Thread-safe.
 */
public final class ConfiguredTokens {
    /** PBKDF2 checks allowed per second, all tokens together. */
    public static final int MAX_CHECKS_PER_SECOND = 8;

    /** How many refused secrets are remembered, the least recently presented forgotten first. */
    static final int REFUSALS_REMEMBERED = 1024;

    private static final long SECOND_NANOS = 1_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredTokens.class);

    private final List<TokenConfig> tokens;
    /** Per token: the digest of its secret, known from the start for a clear one, after first use for a hashed one. */
    private final AtomicReferenceArray<byte[]> digests;

    private final List<TokenHash> hashes;

    /** Hex digests of secrets that matched no hashed token when checked against all of them; access order. */
    private final Map<String, Boolean> refused = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REFUSALS_REMEMBERED;
        }
    };

    private final LongSupplier nanos;
    private long windowStart;
    private int checksInWindow;
    private boolean throttleLogged;

    public ConfiguredTokens(List<TokenConfig> tokens) {
        this(tokens, System::nanoTime);
    }

    /** @param nanos a monotonic clock in nanoseconds (tests give their own) */
    public ConfiguredTokens(List<TokenConfig> tokens, LongSupplier nanos) {
        this.nanos = nanos;
        this.windowStart = nanos.getAsLong();
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
        this.hashes = Collections.unmodifiableList(parsed);
    }

    /**
     * The token a client presented among those whose digest is known (clear ones, hashed ones already used), without
     * any PBKDF2 check: for callers that try other credentials before paying for one.
     */
    public Optional<TokenConfig> known(String presented) {
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
        return Optional.ofNullable(found);
    }

    /** The token a client presented, or empty when it matches none. */
    public Optional<TokenConfig> match(String presented) {
        Optional<TokenConfig> known = known(presented);
        if (presented == null || known.isPresent()) {
            return known;
        }
        byte[] d = digest(presented);
        String key = HexFormat.of().formatHex(d);
        if (refusedBefore(key)) {
            return Optional.empty();
        }
        TokenConfig found = null;
        boolean checked = false;
        boolean checkedAll = true;
        for (int i = 0; i < tokens.size() && found == null; i++) {
            // A hashed token already used has one secret, and it is not this one: no derivation needed.
            if (hashes.get(i) == null || digests.get(i) != null) {
                continue;
            }
            if (!mayCheck()) {
                checkedAll = false;
                break;
            }
            checked = true;
            if (hashes.get(i).matches(presented)) {
                digests.set(i, d);
                found = tokens.get(i);
            }
        }
        if (found == null && checked && checkedAll) {
            synchronized (refused) {
                refused.put(key, Boolean.TRUE);
            }
        }
        return Optional.ofNullable(found);
    }

    private boolean refusedBefore(String key) {
        synchronized (refused) {
            return refused.get(key) != null; // get, not containsKey: a hit counts as the latest presentation
        }
    }

    /** Takes one PBKDF2 check from this second's allowance; false when it is spent. */
    private synchronized boolean mayCheck() {
        long now = nanos.getAsLong();
        if (now - windowStart >= SECOND_NANOS) {
            windowStart = now;
            checksInWindow = 0;
            throttleLogged = false;
        }
        if (checksInWindow >= MAX_CHECKS_PER_SECOND) {
            if (!throttleLogged) {
                throttleLogged = true;
                LOG.warn(
                        "more than {} hashed-token checks in a second: unknown tokens are refused unchecked for the rest of "
                                + "it (a flood of guesses?)",
                        MAX_CHECKS_PER_SECOND);
            }
            return false;
        }
        checksInWindow++;
        return true;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
