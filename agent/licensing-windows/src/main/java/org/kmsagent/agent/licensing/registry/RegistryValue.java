package org.kmsagent.agent.licensing.registry;

import java.util.List;

/** A registry value as read: one of the three types kms-agent reads. */
public sealed interface RegistryValue {
    /** {@code REG_SZ}. */
    record Sz(String text) implements RegistryValue {}

    /** {@code REG_DWORD}, as the unsigned 32 bits. */
    record Dword(long value) implements RegistryValue {}

    /** {@code REG_MULTI_SZ}. */
    record MultiSz(List<String> texts) implements RegistryValue {
        public MultiSz {
            texts = List.copyOf(texts);
        }
    }
}
