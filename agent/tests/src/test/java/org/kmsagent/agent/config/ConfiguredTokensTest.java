package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Hashed tokens: PBKDF2 paid until first use only, and never more than a few checks per second. */
class ConfiguredTokensTest {
    private static final String OPS = "ops-token-0123456789abcdef";
    private static final String READER = "read-token-0123456789abcdef";

    private static String hash(String token) {
        return TokenHash.of(token, TokenHash.MIN_ITERATIONS, new SecureRandom()).format();
    }

    /** Both tokens hashed, neither used yet, on the test's clock. */
    private static ConfiguredTokens opsAndReaderHashed(AtomicLong nanos) {
        return new ConfiguredTokens(
                List.of(
                        new TokenConfig("ops", null, Role.ADMIN, hash(OPS)),
                        new TokenConfig("reader", null, Role.READ, hash(READER))),
                nanos::get);
    }

    @Test
    void clearAndHashedTokensMatchTheirHolderAndNothingElse() {
        ConfiguredTokens tokens = new ConfiguredTokens(List.of(
                new TokenConfig("ops", null, Role.ADMIN, hash(OPS)), new TokenConfig("reader", READER, Role.READ)));
        assertThat(tokens.match(OPS)).map(TokenConfig::name).hasValue("ops");
        assertThat(tokens.match(READER)).map(TokenConfig::name).hasValue("reader");
        assertThat(tokens.match(OPS + "x")).isEmpty();
        assertThat(tokens.match(null)).isEmpty();
        assertThat(tokens.match(OPS)).map(TokenConfig::name).hasValue("ops");
    }

    @Test
    void aFloodOfWrongTokensSpendsTheSecondsChecksButAUsedTokenStillMatchesWithoutOne() {
        AtomicLong nanos = new AtomicLong();
        ConfiguredTokens tokens = opsAndReaderHashed(nanos);
        assertThat(tokens.match(OPS)).isPresent(); // one check: ops is known from now on

        for (int i = 0; i < ConfiguredTokens.MAX_CHECKS_PER_SECOND; i++) {
            assertThat(tokens.match("guess-" + i + "-0123456789abcdef")).isEmpty();
        }
        // The second's checks are spent: the reader's right token is refused unchecked, ops needs no check.
        assertThat(tokens.match(READER)).isEmpty();
        assertThat(tokens.match(OPS)).map(TokenConfig::name).hasValue("ops");

        nanos.addAndGet(1_000_000_000L);
        assertThat(tokens.match(READER)).map(TokenConfig::name).hasValue("reader");
    }

    @Test
    void aWrongTokenPresentedAgainAndAgainIsRefusedWithoutSpendingTheAllowanceASignInNeeds() {
        AtomicLong nanos = new AtomicLong();
        ConfiguredTokens tokens = opsAndReaderHashed(nanos);
        // Machines still presenting a token since replaced: checked once against both hashes, then remembered.
        String old = "replaced-token-0123456789abcdef";
        for (int i = 0; i < 10 * ConfiguredTokens.MAX_CHECKS_PER_SECOND; i++) {
            assertThat(tokens.match(old)).isEmpty();
        }
        // Same second: the operator's first sign-in is still checked, and so is the reader's.
        assertThat(tokens.match(OPS)).map(TokenConfig::name).hasValue("ops");
        assertThat(tokens.match(READER)).map(TokenConfig::name).hasValue("reader");
        assertThat(tokens.match(old)).isEmpty();
    }

    @Test
    void aWrongTokenRefusedUncheckedInASpentSecondIsCheckedAgainLaterSoItIsNotRememberedAsWrong() {
        AtomicLong nanos = new AtomicLong();
        ConfiguredTokens tokens =
                new ConfiguredTokens(List.of(new TokenConfig("reader", null, Role.READ, hash(READER))), nanos::get);
        for (int i = 0; i < ConfiguredTokens.MAX_CHECKS_PER_SECOND; i++) {
            assertThat(tokens.match("guess-" + i + "-0123456789abcdef")).isEmpty();
        }
        assertThat(tokens.match(READER)).isEmpty(); // refused unchecked: the second's checks are spent
        nanos.addAndGet(1_000_000_000L);
        assertThat(tokens.match(READER)).map(TokenConfig::name).hasValue("reader");
    }

    @Test
    void knownMatchesAHashedTokenOnlyOnceItWasCheckedSoOtherCredentialsCanBeTriedFirstForFree() {
        ConfiguredTokens tokens = new ConfiguredTokens(List.of(
                new TokenConfig("ops", null, Role.ADMIN, hash(OPS)), new TokenConfig("reader", READER, Role.READ)));
        assertThat(tokens.known(OPS)).isEmpty();
        assertThat(tokens.known(READER)).map(TokenConfig::name).hasValue("reader");
        assertThat(tokens.match(OPS)).isPresent();
        assertThat(tokens.known(OPS)).map(TokenConfig::name).hasValue("ops");
    }
}
