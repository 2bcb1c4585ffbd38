package org.kmsagent.agent.licensing.slc;

import org.kmsagent.api.HResult;
import org.kmsagent.api.LicenseStatus;

/** SL status to WMI LicenseStatus, as docs/kms-rules.md §8.1 "SL status → WMI LicenseStatus" gives it. */
final class SlStatusMapping {
    private SlStatusMapping() {}

    /** Maps {@code eStatus} (0-3, validated by the session) and its {@code hrReason}. */
    static LicenseStatus toLicenseStatus(int eStatus, int reason) {
        return switch (eStatus) {
            case 0 -> LicenseStatus.UNLICENSED;
            case 1 -> LicenseStatus.LICENSED;
            case 3 -> LicenseStatus.NOTIFICATION;
            case 2 -> {
                if (reason == HResult.SL_I_OOT_GRACE_PERIOD.code()) {
                    yield LicenseStatus.ADDITIONAL_GRACE;
                } else if (reason == HResult.SL_I_NONGENUINE_GRACE_PERIOD.code()) {
                    yield LicenseStatus.NON_GENUINE_GRACE;
                } else if (reason == HResult.SL_I_TIMEBASED_EXTENDED_GRACE_PERIOD.code()) {
                    yield LicenseStatus.EXTENDED_GRACE;
                }
                yield LicenseStatus.INITIAL_GRACE;
            }
            default -> throw new IllegalArgumentException("undefined SLLICENSINGSTATUS " + eStatus);
        };
    }
}
