package org.kmsagent.api;

/**
 * The license states Windows reports for a product, with WMI's {@code LicenseStatus} numbers
 * (docs/kms-rules.md §2.2; docs/kms-rules.md §8.1 "SL status → WMI LicenseStatus").
 */
public enum LicenseStatus {
    UNLICENSED(0, "Unlicensed"),
    LICENSED(1, "Licensed"),
    /** Out-of-box grace: installed, not yet activated. */
    INITIAL_GRACE(2, "Initial grace period"),
    /** Out-of-tolerance grace: a KMS activation lapsed (180 days without renewal) or hardware changed. */
    ADDITIONAL_GRACE(3, "Additional grace period"),
    NON_GENUINE_GRACE(4, "Non-genuine grace period"),
    /** Grace expired without activation. */
    NOTIFICATION(5, "Notification"),
    EXTENDED_GRACE(6, "Extended grace period");

    private final int wmiCode;
    private final String label;

    LicenseStatus(int wmiCode, String label) {
        this.wmiCode = wmiCode;
        this.label = label;
    }

    /** WMI {@code SoftwareLicensingProduct.LicenseStatus}. */
    public int wmiCode() {
        return wmiCode;
    }

    /** The text slmgr shows. */
    public String label() {
        return label;
    }

    /** Whether the product is in one of the grace states (it works, with a countdown). */
    public boolean isGrace() {
        return this == INITIAL_GRACE || this == ADDITIONAL_GRACE || this == NON_GENUINE_GRACE || this == EXTENDED_GRACE;
    }

    /** The status with that WMI code. */
    public static LicenseStatus fromWmiCode(int code) {
        for (LicenseStatus s : values()) {
            if (s.wmiCode == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown WMI LicenseStatus " + code);
    }
}
