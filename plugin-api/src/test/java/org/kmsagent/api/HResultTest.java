package org.kmsagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    @Test
    void everyCodeKnownHasTheNameTheProjectsReferenceGivesIt() throws Exception {
        // 0xC004F073 was named SL_E_RIGHT_NOT_CONSUMED, which is 0xC004F002: a status query that found no consumed
        // right showed as an unknown code, and a real 0xC004F073 as "no license right consumed".
        String rules = Files.readString(Path.of("..", "docs", "kms-rules.md"));
        Matcher row = Pattern.compile("(?m)^\\| ([0-9A-F]{8}(?:, [0-9A-F]{8})*) \\| ([A-Z_]+(?:, [A-Z_]+)*) \\|")
                .matcher(rules);
        int compared = 0;
        while (row.find()) {
            String[] codes = row.group(1).split(", ");
            String[] names = row.group(2).split(", ");
            for (int i = 0; i < codes.length; i++) {
                int code = Integer.parseUnsignedInt(codes[i], 16);
                if (HResult.lookup(code).isPresent()) {
                    assertThat(HResult.of(code).name()).as(codes[i]).isEqualTo(names[i]);
                    compared++;
                }
            }
        }
        assertThat(compared).as("codes of kms-rules.md §8.4 compared").isGreaterThan(30);
        assertThat(HResult.of(0xC004F002).name()).isEqualTo("SL_E_RIGHT_NOT_CONSUMED");
    }
}
