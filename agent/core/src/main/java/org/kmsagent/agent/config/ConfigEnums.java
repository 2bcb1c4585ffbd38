package org.kmsagent.agent.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.kmsagent.agent.core.BoundedInput;

/** Lower-case, kebab-case spelling of configuration enums ({@code on-kms-failure} for {@code ON_KMS_FAILURE}). */
final class ConfigEnums {
    private ConfigEnums() {}

    static String id(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E parse(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (id(e).equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("must be one of "
                + Arrays.stream(type.getEnumConstants()).map(ConfigEnums::id).collect(Collectors.joining("|"))
                + ", got '" + BoundedInput.shown(text) + "'");
    }
}
