package org.kmsagent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** WMI's LicenseStatus numbers, as `status --json` prints them and a plugin reading WMI itself gets them back. */
class LicenseStatusTest {
    @Test
    void eachWmiNumberNamesItsState() {
        assertThat(LicenseStatus.fromWmiCode(0)).isEqualTo(LicenseStatus.UNLICENSED);
        assertThat(LicenseStatus.fromWmiCode(1)).isEqualTo(LicenseStatus.LICENSED);
        assertThat(LicenseStatus.fromWmiCode(2)).isEqualTo(LicenseStatus.INITIAL_GRACE);
        assertThat(LicenseStatus.fromWmiCode(5)).isEqualTo(LicenseStatus.NOTIFICATION);
        for (LicenseStatus s : LicenseStatus.values()) {
            assertThat(LicenseStatus.fromWmiCode(s.wmiCode())).isEqualTo(s);
        }
    }

    @Test
    void aNumberWmiDoesNotUseIsRefusedByName() {
        assertThatThrownBy(() -> LicenseStatus.fromWmiCode(7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown WMI LicenseStatus 7");
    }
}
