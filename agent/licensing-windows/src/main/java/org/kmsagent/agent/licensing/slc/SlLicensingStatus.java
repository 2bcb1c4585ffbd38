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

    /** An instant as a FILETIME (100 ns ticks since 1601), the encoding SLC uses. */
    public static long toFileTime(Instant instant) {
        return (instant.getEpochSecond() + FILETIME_EPOCH_OFFSET_SECONDS) * 10_000_000L + instant.getNano() / 100;
    }
}
