package org.kmsagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HResultTest {
    @Test
    void knownCodesCarryTheNameAndMeaningSlmgrShows() {
        HResult h = HResult.of(0xC004F038);
        assertThat(h.name()).isEqualTo("SL_E_VL_NOT_ENOUGH_COUNT");
        assertThat(h.meaning()).contains("count reported by your Key Management Service");
        assertThat(h.hex()).isEqualTo("0xC004F038");
        assertThat(h.succeeded()).isFalse();
    }

    @Test
    void anUnknownCodeKeepsItsHex() {
        HResult h = HResult.of(0xC004FFFF);
        assertThat(h.isKnown()).isFalse();
        assertThat(h.name()).isEqualTo("0xC004FFFF");
        assertThat(h.meaning()).contains("0xC004FFFF");
    }

    @Test
    void everyCodeOfTheKmsFactsErrorTableIsKnown() {
        int[] table = {
            0xC004F038,
            0xC004F039,
            0xC004F041,
            0xC004F042,
            0xC004F074,
            0xC004F06C,
            0xC004C003,
            0xC004C008,
            0xC004F035,
            0xC004F050,
            0x8007232B,
            0x8007232A,
            0x800706BA,
            0x8007251D,
            0x8007007B,
            0xC004F009,
            0xC004F014,
            0xC004E003
        };
        for (int code : table) {
            assertThat(HResult.lookup(code)).as(HResult.hex(code)).isPresent();
        }
    }
}
