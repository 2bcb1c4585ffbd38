package org.kmsagent.agent.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.kmsagent.agent.core.BoundedInput;

/** Lower-case, kebab-case spelling of configuration enums ({@code on-kms-failure} for {@code ON_KMS_FAILURE}). */
final class ConfigEnums {
    private ConfigEnums() {}

    static String id(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E parse(Class<E> type, String text) {
        return parse(type, text, EnumSet.allOf(type));
    }

    /**
     * The constant spelled {@code text} among those a key accepts; the message lists exactly those, so that a value it
     * suggests is never refused by a later check.
     */
    static <E extends Enum<E>> E parse(Class<E> type, String text, Set<E> accepted) {
        for (E e : accepted) {
            if (id(e).equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException(mustBeOneOf(accepted) + ", got '" + BoundedInput.shown(text) + "'");
    }

    /** {@code must be one of read|admin}: the accepted spellings, in declaration order. */
    static <E extends Enum<E>> String mustBeOneOf(Set<E> accepted) {
        return "must be one of "
                + accepted.stream().sorted().map(ConfigEnums::id).collect(Collectors.joining("|"));
    }
}
