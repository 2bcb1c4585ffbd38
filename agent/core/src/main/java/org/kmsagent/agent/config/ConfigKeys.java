package org.kmsagent.agent.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.text.ClosestNames;

/**
 * The key paths the configuration records define, derived from the records themselves so that docs, overrides and
 * validation cannot drift from the code. A map's key is written {@code <name>} and a list element {@code []}, e.g.
 * {@code renewal.families.<family>.kms} and {@code bridge.tokens[].role}.
 */
public final class ConfigKeys {
    private ConfigKeys() {}

    /** Every leaf key path, in record order. */
    public static List<String> all() {
        List<String> out = new ArrayList<>();
        walk(AgentConfig.class, "", out);
        return out;
    }

    private static void walk(Class<?> type, String prefix, List<String> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            String path = prefix + c.getName();
            Type generic = c.getGenericType();
            if (c.getType().isRecord()) {
                walk(c.getType(), path + ".", out);
            } else if (Map.class.isAssignableFrom(c.getType())) {
                walk((Class<?>) typeArg(generic, 1), path + ".<" + singular(c.getName()) + ">.", out);
            } else if (List.class.isAssignableFrom(c.getType())
                    && typeArg(generic, 0) instanceof Class<?> k
                    && k.isRecord()) {
                walk(k, path + "[].", out);
            } else {
                out.add(path);
            }
        }
    }

    private static Type typeArg(Type t, int i) {
        return ((ParameterizedType) t).getActualTypeArguments()[i];
    }

    private static String singular(String plural) {
        return plural.endsWith("ies") ? plural.substring(0, plural.length() - 3) + "y" : plural.replaceAll("s$", "");
    }

    /**
     * The key path an environment variable overrides, if any: {@code KMSAGENT_BRIDGE_PORT} is {@code bridge.port},
     * {@code KMSAGENT_BRIDGE_MAX_FRAME_BYTES} is {@code bridge.maxFrameBytes} (underscores and case are ignored within
     * a key). Keys under a map or list cannot be set this way.
     */
    public static Optional<String> forEnvironment(String variable) {
        if (!variable.startsWith("KMSAGENT_")) {
            return Optional.empty();
        }
        String wanted = variable.substring("KMSAGENT_".length())
                .toLowerCase(Locale.ROOT)
                .replace("_", "");
        for (String key : all()) {
            if (!key.contains("<")
                    && !key.contains("[")
                    && key.replace(".", "").toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /**
     * Why an environment variable that names a list of records or a map ({@code KMSAGENT_BRIDGE_TOKENS}), or a key
     * under one ({@code KMSAGENT_RENEWAL_FAMILIES_OFFICE2013_KMS}), is refused, and where that setting goes instead;
     * empty for any other variable. Such settings cannot be given this way (docs/configuration.md, Overrides): refusing
     * the variable says so, where ignoring it would leave the administrator believing it applied.
     */
    public static Optional<String> refusedFromEnvironment(String variable) {
        if (!variable.startsWith("KMSAGENT_")) {
            return Optional.empty();
        }
        String name = variable.substring("KMSAGENT_".length());
        String wanted = name.toLowerCase(Locale.ROOT).replace("_", "");
        for (String key : all()) {
            int list = key.indexOf("[]");
            int map = key.indexOf(".<");
            if (list < 0 && map < 0) {
                continue;
            }
            boolean isList = list >= 0 && (map < 0 || list < map);
            String setting = key.substring(0, isList ? list : map);
            String flat = setting.replace(".", "").toLowerCase(Locale.ROOT);
            if (wanted.equals(flat) || name.toUpperCase(Locale.ROOT).startsWith(environmentName(setting) + "_")) {
                return Optional.of(setting + ": cannot be set from the environment ("
                        + (isList ? "a list of entries" : "a map") + "); write it in the configuration file"
                        + (isList
                                ? " (a value there may be ${NAME}, read from the environment variable NAME)"
                                : " or with --set " + key + "=VALUE"));
            }
        }
        return Optional.empty();
    }

    /** What every variable that sets a key starts with. */
    private static final String PREFIX = "KMSAGENT_";

    /**
     * The {@code KMSAGENT_*} variables the project reads that set no key: the configuration file
     * ({@link ConfigFile#VARIABLE}), {@code ctl}'s token and trust ({@code KMSAGENT_TOKEN}, {@code KMSAGENT_TRUST}),
     * the launchers' installation folder and JVM flags ({@code KMSAGENT_HOME}, {@code KMSAGENT_JAVA_OPTS}) and the
     * Windows service host's runtime ({@code KMSAGENT_JAVA_HOME}). {@link #unknownVariable} says nothing of them.
     */
    public static final Set<String> OTHER_VARIABLES = Set.of(
            ConfigFile.VARIABLE,
            "KMSAGENT_TOKEN",
            "KMSAGENT_TRUST",
            "KMSAGENT_HOME",
            "KMSAGENT_JAVA_OPTS",
            "KMSAGENT_JAVA_HOME");

    /**
     * A warning for a {@code KMSAGENT_*} variable that sets no key, is not refused ({@link #refusedFromEnvironment})
     * and is none of {@link #OTHER_VARIABLES}: a misspelt key ({@code KMSAGENT_METRIC_PORT}) did nothing, without a
     * word. Only for a variable close to one that sets a key or is read ({@link ClosestNames}), named in the warning:
     * one close to none is an administrator's own (the shipped hub.yaml refers to KMSAGENT_OPS_TOKEN for its token, which an
     * agent started from the same shell must not warn of). A warning, not an error: other programs may use the prefix
     * too.
     */
    public static Optional<String> unknownVariable(String variable) {
        if (!variable.startsWith(PREFIX)
                || OTHER_VARIABLES.contains(variable)
                || forEnvironment(variable).isPresent()
                || refusedFromEnvironment(variable).isPresent()) {
            return Optional.empty();
        }
        Map<String, String> known = new LinkedHashMap<>(); // without the prefix, which every one shares: the variable
        for (String key : all()) {
            if (!key.contains("<") && !key.contains("[")) {
                known.put(environmentName(key), PREFIX + environmentName(key));
            }
        }
        OTHER_VARIABLES.stream().sorted().forEach(v -> known.put(v.substring(PREFIX.length()), v));
        List<String> close = ClosestNames.closest(variable.substring(PREFIX.length()), List.copyOf(known.keySet()));
        if (close.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("environment variable " + BoundedInput.shown(variable)
                + ": names no configuration key; ignored ("
                + ClosestNames.didYouMean(close.stream().map(known::get).toList()) + ")");
    }

    /** {@code renewal.families} as an environment variable's key part: {@code RENEWAL_FAMILIES}. */
    private static String environmentName(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * Why a concrete dotted path given to {@code --set} names no key, in the words of a file's unknown key: a section
     * lists its keys, a list or a map says how it is set, and a path that does not exist lists what does where it
     * leaves the known keys ({@code bridge.portt: unknown key (known here: enabled, host, ...)}). Starts with the path.
     */
    public static String notAKey(String path) {
        String[] parts = path.split("\\.", -1);
        List<String[]> keys = new ArrayList<>();
        for (String key : all()) {
            keys.add(key.replace("[]", ".[]").split("\\."));
        }
        // The deepest known section the path runs through: how many of its parts match the start of some key.
        int depth = 0;
        for (String[] k : keys) {
            int d = 0;
            while (d < parts.length && d < k.length - 1 && partMatches(k[d], parts[d])) {
                d++;
            }
            depth = Math.max(depth, d);
        }
        String section = String.join(".", Arrays.copyOf(parts, depth));
        List<String> below = new ArrayList<>();
        String firstBelow = null;
        for (String[] k : keys) {
            boolean under = k.length > depth;
            for (int i = 0; i < depth && under; i++) {
                under = partMatches(k[i], parts[i]);
            }
            if (under && !below.contains(k[depth])) {
                below.add(k[depth]);
                firstBelow = firstBelow == null ? String.join(".", k) : firstBelow;
            }
        }
        below.sort(null);
        String known = String.join(", ", below);
        if (below.equals(List.of("[]"))) {
            return path + ": " + (depth == parts.length ? "" : section + " is ")
                    + "a list of entries; write it in the configuration file";
        } else if (below.size() == 1 && below.get(0).startsWith("<")) {
            return path + ": " + (depth == parts.length ? "" : section + " is ")
                    + "a map; set one entry's key, as --set " + firstBelow + "=VALUE";
        } else if (depth == parts.length) {
            return path + ": a section, not a key (its keys: " + known + ")";
        } else if (depth == parts.length - 1) {
            return path + ": unknown key (known here: " + known + ")";
        }
        return path + ": unknown key (known " + (depth == 0 ? "at the top level" : "under " + section) + ": " + known
                + ")";
    }

    /** Whether one part of a concrete path fits one part of a key path: a map's {@code <name>} takes any non-empty. */
    private static boolean partMatches(String keyPart, String pathPart) {
        return keyPart.startsWith("<") ? !pathPart.isEmpty() : keyPart.equals(pathPart);
    }

    /** Whether a concrete dotted path (map keys filled in) names a leaf key. */
    public static boolean isLeaf(String path) {
        String[] parts = path.split("\\.", -1);
        for (String key : all()) {
            if (key.contains("[")) {
                continue; // lists of records are set as a whole in the file
            }
            String[] k = key.split("\\.");
            if (k.length != parts.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < k.length && match; i++) {
                match = partMatches(k[i], parts[i]);
            }
            if (match) {
                return true;
            }
        }
        return false;
    }
}
