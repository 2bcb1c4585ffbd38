package org.kmsagent.agent.licensing.slc;

import java.util.HexFormat;
import java.util.List;

/**
 * A value read through one of the {@code SLGet*Information} calls, decoded by its {@code SLDATATYPE}.
 */
public sealed interface SlValue {

    /** {@code SL_DATA_SZ}: a UTF-16 string. */
    record Sz(String text) implements SlValue {
        @Override
        public String toString() {
            return text;
        }
    }

    /** {@code SL_DATA_DWORD}: 32 bits, unsigned in SLC (a count of -1 reads as 4294967295). */
    record Dword(int value) implements SlValue {
        public long unsigned() {
            return Integer.toUnsignedLong(value);
        }

        @Override
        public String toString() {
            return Long.toString(unsigned());
        }
    }

    /** {@code SL_DATA_BINARY}: raw bytes (a 16-byte SLID, an 8-byte FILETIME, ...). */
    record Binary(byte[] bytes) implements SlValue {
        public Binary {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public String toString() {
            return HexFormat.of().formatHex(bytes);
        }
    }

    /** {@code SL_DATA_MULTI_SZ}: a list of strings. */
    record MultiSz(List<String> texts) implements SlValue {
        public MultiSz {
            texts = List.copyOf(texts);
        }

        @Override
        public String toString() {
            return String.join(", ", texts);
        }
    }
}
