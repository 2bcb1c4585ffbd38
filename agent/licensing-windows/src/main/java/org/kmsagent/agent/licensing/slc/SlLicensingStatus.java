package org.kmsagent.agent.licensing.slc;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One {@code SL_LICENSING_STATUS} record, copied out of native memory (docs/kms-rules.md §8.3).
 *
 * @param skuId the SKU the record is about
 * @param status {@code SLLICENSINGSTATUS}: 0 unlicensed, 1 licensed, 2 in grace, 3 notification
 * @param graceMinutes {@code dwGraceTime}: remaining grace (or validity), minutes
 * @param totalGraceDays {@code dwTotalGraceDays}: grace days defined in the license
 * @param reason {@code hrReason}: the HRESULT behind the state
 * @param validityExpiration {@code qwValidityExpiration}, a UTC FILETIME (docs/kms-rules.md §8.3 [C]); 0 = none
 */
public record SlLicensingStatus(
        UUID skuId, int status, long graceMinutes, long totalGraceDays, int reason, long validityExpiration) {

    /** Seconds between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
    private static final long FILETIME_EPOCH_OFFSET_SECONDS = 11_644_473_600L;

    /** The validity expiration as an instant, if one is set. */
    public Optional<Instant> validUntil() {
        if (validityExpiration == 0 || validityExpiration == -1L) {
            return Optional.empty();
        }
        long seconds = Long.divideUnsigned(validityExpiration, 10_000_000L) - FILETIME_EPOCH_OFFSET_SECONDS;
        long nanos = Long.remainderUnsigned(validityExpiration, 10_000_000L) * 100;
        return Optional.of(Instant.ofEpochSecond(seconds, nanos));
    }

    /**
     * When the licence ends, for a record read at {@code readAt}: the validity expiration where the record has one;
     * else, for a licensed SKU whose {@code dwGraceTime} is above 0 (time-limited: KMS, token-based or AVMA,
     * docs/kms-rules.md §8.1), that many minutes after the read, as {@code slmgr /dlv} shows a volume activation's
     * expiration from its remaining minutes. A licensed SKU with neither is licensed for good (a MAK or retail key), and
     * its renewal loop rests; a KMS client taken for one would never be renewed.
     */
    public Optional<Instant> validUntil(Instant readAt) {
        Optional<Instant> stated = validUntil();
        if (stated.isPresent() || status != LICENSED || graceMinutes <= 0) {
            return stated;
        }
        return Optional.of(readAt.plusSeconds(graceMinutes * 60));
    }

    /** {@code SLLICENSINGSTATUS} licensed (docs/kms-rules.md §8.3). */
    private static final int LICENSED = 1;

    /** An instant as a FILETIME (100 ns ticks since 1601), the encoding SLC uses. */
    public static long toFileTime(Instant instant) {
        return (instant.getEpochSecond() + FILETIME_EPOCH_OFFSET_SECONDS) * 10_000_000L + instant.getNano() / 100;
    }
}
