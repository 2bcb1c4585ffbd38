package org.kmsagent.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.DocumentBinding;
import org.kmsagent.agent.core.YamlMistake;

/**
 * Reads the agent configuration: the YAML file (optional: every key has a default), then {@code KMSAGENT_*}
 * environment variables, then {@code --set key=value} arguments, each overriding the one before; then
 * {@code ${NAME}} references are replaced by environment variables, the result bound to {@link AgentConfig} and
 * validated. Every problem is reported together, each naming where it was written, its key path and what is allowed.
 * Secrets are never put in messages.
 */
public final class ConfigLoader {
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /**
     * The YAML mapper, made at the first configuration that has something to read or bind: a command run with no file
     * and no override (what an administrator's {@code kms-agent status} reads) never builds it, nor a deserializer for
     * each section: that was most of the work done before such a command's plugins start loading
     * (docs/performance-log.md). Configured once, then only read, so one is shared.
     */
    private static final class Yaml {
        // YAML 1.2's booleans only (DocumentBinding.yamlFactory), as every document a user writes is read.
        static final ObjectMapper MAPPER = new ObjectMapper(DocumentBinding.yamlFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // A key given twice, or 7688.9 for a port, is a mistake to report, not a value to guess.
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .registerModule(new SimpleModule().addDeserializer(Boolean.class, new StrictBoolean()));

        private Yaml() {}
    }

    /**
     * Every boolean setting takes {@code true} or {@code false} alone, as YAML 1.2 and Jackson's strict mode read
     * them: Jackson's own coercion took {@code 1} for true but refused {@code "yes"}, so each key seemed to have its
     * own rule. A number, a text (even a quoted {@code "true"}) or any other word is refused, naming the value.
     */
    private static final class StrictBoolean extends StdScalarDeserializer<Boolean> {
        StrictBoolean() {
            super(Boolean.class);
        }

        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                return token == JsonToken.VALUE_TRUE;
            }
            if (token != null && token.isScalarValue()) {
                throw InvalidFormatException.from(p, "expected true or false", p.getText(), Boolean.class);
            }
            return (Boolean) ctxt.handleUnexpectedToken(Boolean.class, p);
        }
    }

    /** The largest configuration file read (real ones are a few KiB). */
    static final int MAX_FILE_BYTES = 1024 * 1024;

    /**
     * The keys that hold a secret the agent presents or checks over the network, and that only {@code run} and
     * {@code hub} use: {@link #withoutSecrets()} lets their {@code ${NAME}} be unset.
     */
    private static final Pattern SECRET_KEY = Pattern.compile("bridge\\.tokens\\[\\d+]\\.token|fleet\\.token");

    private final Map<String, String> environment;
    private final boolean hub;
    private final boolean secretsUnused;

    /** A loader over the given environment (pass {@code System.getenv()} in production). */
    public ConfigLoader(Map<String, String> environment) {
        this(environment, false, false);
    }

    private ConfigLoader(Map<String, String> environment, boolean hub, boolean secretsUnused) {
        this.environment = Map.copyOf(environment);
        this.hub = hub;
        this.secretsUnused = secretsUnused;
    }

    /** The same loader for {@code kms-agent hub}: the cluster's ports count in the port-clash check too. */
    public ConfigLoader forHub() {
        return new ConfigLoader(environment, true, secretsUnused);
    }

    /**
     * The same loader for a command that uses no secret of the configuration ({@code status}, {@code doctor},
     * {@code products}, {@code gvlk}): a {@code ${NAME}} in a bridge token or {@code fleet.token} may be unset, as it
     * is in an administrator's console when only the service's environment holds the secret (the shipped agent.yaml
     * writes the admin token as a {@code ${NAME}} of the service's environment); such a key reads as a stand-in that
     * names the variable, which no such command presents anywhere. Everything else is checked as for {@code run}.
     */
    public ConfigLoader withoutSecrets() {
        return new ConfigLoader(environment, hub, true);
    }

    /**
     * Loads and validates. Every problem found is reported at once, each line naming where the value came from
     * ({@code file:line}, or the environment variable), its key path and what is allowed.
     *
     * @param file the YAML file, or empty for defaults plus overrides
     * @param sets {@code key=value} overrides from the command line, e.g. {@code bridge.port=9999}
     * @throws ConfigException listing every problem, each naming its key
     */
    public AgentConfig load(Optional<Path> file, List<String> sets) throws ConfigException {
        return loadLocated(file, sets).config();
    }

    /**
     * A configuration as loaded, with where each key that was written came from: for a message about a value that
     * only turns out wrong after loading (a {@code pluginsDir} that names no folder), named as load errors are.
     */
    public record Loaded(AgentConfig config, Map<String, String> origins, List<String> warnings) {
        public Loaded {
            origins = Map.copyOf(origins);
            warnings = List.copyOf(warnings);
        }

        /**
         * {@code error}, which starts with its key path, prefixed with where that key was written ({@code file:line},
         * the environment variable, or {@code --set}), as {@link #load} names its errors; as it is for a default.
         */
        public String locate(String error) {
            return ConfigLoader.locate(error, origins);
        }
    }

    /**
     * As {@link #load}, keeping where each key came from, and what a valid configuration is still warned of: each
     * {@code KMSAGENT_*} variable that sets no key and is no other variable the agent reads
     * ({@link ConfigKeys#unknownVariable}), unless the configuration names it in a {@code ${NAME}}. Said at start as
     * the other start warnings are (the banner), not refused.
     */
    public Loaded loadLocated(Optional<Path> file, List<String> sets) throws ConfigException {
        Map<String, String> origin = new HashMap<>();
        ObjectNode root = read(file, origin);
        List<String> errors = new ArrayList<>();
        Map<String, List<String>> variablesOf = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            if (e.getValue().isBlank()) {
                // Not set, as a blank KMSAGENT_CONFIG is not (ConfigFile): `set NAME=` is how cmd.exe unsets a
                // variable, and a blank one is a common leftover of an MSI, GPO or systemd Environment line. Read as a
                // value, it put the key back to its default over the file's value (a data folder of its own).
                continue;
            }
            // Variables that are not config keys (KMSAGENT_TOKEN is ctl's) are not ours to judge; one naming a setting
            // that cannot come from the environment is refused, not ignored, so that nobody believes it applied.
            ConfigKeys.refusedFromEnvironment(e.getKey())
                    .ifPresent(
                            why -> errors.add("environment variable " + BoundedInput.shown(e.getKey()) + ": " + why));
            ConfigKeys.forEnvironment(e.getKey())
                    .ifPresent(key -> variablesOf
                            .computeIfAbsent(key, k -> new ArrayList<>())
                            .add(e.getKey()));
        }
        variablesOf.forEach((key, variables) -> {
            if (variables.size() > 1) {
                // Several spellings of one key (case and underscores do not matter): as a key written twice in the
                // file, refused, even when they agree, rather than one picked by name order without a word.
                errors.add(givenTwice(key, variables));
            } else {
                put(root, key, scalar(environment.get(variables.get(0))), errors);
                overridden(origin, key, "environment variable " + variables.get(0));
            }
        });
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                errors.add("--set " + BoundedInput.shown(set) + ": expected key=value");
            } else if (!ConfigKeys.isLeaf(set.substring(0, eq))) {
                errors.add(FROM_SET + " " + ConfigKeys.notAKey(BoundedInput.shown(set.substring(0, eq))));
            } else if (set.substring(eq + 1).isBlank()) {
                // Read as YAML, nothing is null, which binding fills with the key's default: the option silently put
                // the default over the file's value. An empty text is written "" (renewal.kms="").
                String key = BoundedInput.shown(set.substring(0, eq));
                errors.add(FROM_SET + " " + key + ": no value given (write it after '=', \"\" for an empty text;"
                        + " without --set " + key + " the file's value or the default applies)");
            } else {
                put(root, set.substring(0, eq), scalar(set.substring(eq + 1)), errors);
                overridden(origin, set.substring(0, eq), FROM_SET);
            }
        }
        Set<String> referenced = new HashSet<>();
        resolveEnvironmentReferences(root, "", errors, referenced);
        dropEmptyEntries(root, "", errors);
        // Binding stops at the first value that does not fit; DocumentBinding takes that value out and binds again, so
        // that one run reports every misfit (each removal falls back to the key's default, which the validator then
        // accepts). Nothing written anywhere (no file, or one of comments only, and no override) is every key's
        // default, which is what binding the empty tree gives (ConfigLoaderTest compares the two).
        AgentConfig config = null;
        if (root.isEmpty()) {
            config = AgentConfig.defaults();
        } else {
            DocumentBinding.Bound<AgentConfig> bound = DocumentBinding.bind(Yaml.MAPPER, root, AgentConfig.class);
            bound.misfits().forEach(m -> errors.add(describe(m)));
            config = bound.value().orElse(null);
        }
        if (config != null) {
            errors.addAll(ConfigValidator.validate(config, hub));
        }
        if (!errors.isEmpty()) {
            Set<String> reported = new HashSet<>();
            List<String> located = new ArrayList<>();
            for (String line : errors) {
                if (reported.add(keyOf(line))) { // a value already refused (an unset ${VAR}, a wrong type) once only
                    // Key names are the user's text too: a control character in one is escaped like a value's.
                    located.add(BoundedInput.escaped(locate(line, origin)));
                }
            }
            throw new ConfigException(located);
        }
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            if (!e.getValue().isBlank() && !referenced.contains(e.getKey())) {
                ConfigKeys.unknownVariable(e.getKey()).ifPresent(warnings::add);
            }
        }
        return new Loaded(config, origin, warnings);
    }

    /**
     * The problem of several environment variables that name one key, naming each ({@code environment variables A and
     * B both set bridge.port: give it once}); the key is then set by none of them.
     */
    private static String givenTwice(String key, List<String> variables) {
        List<String> shown = variables.stream().map(BoundedInput::shown).toList();
        String names = String.join(", ", shown.subList(0, shown.size() - 1)) + " and " + shown.get(shown.size() - 1);
        return "environment variables " + names + (shown.size() == 2 ? " both" : " all") + " set " + key
                + ": give it once";
    }

    /** Binds a configuration tree to the record, through Jackson: every key that is not written gets its default. */
    static AgentConfig bind(ObjectNode root) throws JsonProcessingException {
        return Yaml.MAPPER.treeToValue(root, AgentConfig.class);
    }

    /** The key path an error line starts with ({@code bridge.port: expected ...} gives {@code bridge.port}). */
    private static String keyOf(String line) {
        int colon = line.indexOf(": ");
        return colon < 0 ? line : line.substring(0, colon);
    }

    /**
     * Where a key given by {@code --set} was written: the option, which an error names as it was typed
     * ({@code --set pluginsDir: /nope does not exist}) rather than as a place ({@code agent.yaml:7: pluginsDir: ...}).
     */
    private static final String FROM_SET = "--set";

    /**
     * Records that {@code key} was written again by an override, replacing the whole value: the places the file gave
     * its elements and fields ({@code fleet.hubs[0]}, line 6) are no longer where anything under it came from, and an
     * error about {@code fleet.hubs[0]} must name the override, not a line of the file that holds a valid value.
     */
    private static void overridden(Map<String, String> origin, String key, String where) {
        origin.keySet().removeIf(k -> k.startsWith(key + ".") || k.startsWith(key + "["));
        origin.put(key, where);
    }

    /**
     * Prefixes an error with where its key was written: the file and line, the environment variable, or
     * {@code --set}.
     */
    private static String locate(String line, Map<String, String> origin) {
        String key = keyOf(line);
        // An error about a key that only overrides wrote below (the family of --set renewal.families.X.kms=…): where
        // every key under it came from, when that is one place.
        List<String> below = origin.entrySet().stream()
                .filter(e -> e.getKey().startsWith(key + ".") || e.getKey().startsWith(key + "["))
                .map(Map.Entry::getValue)
                .distinct()
                .toList();
        for (String k = key; !k.isEmpty(); k = DocumentBinding.parentOf(k)) {
            String where = origin.get(k);
            if (where == null && k.equals(key) && below.size() == 1) {
                where = below.get(0);
            }
            if (where != null) {
                return where + (where.equals(FROM_SET) ? " " : ": ") + line;
            }
        }
        return line;
    }

    private ObjectNode read(Optional<Path> file, Map<String, String> origin) throws ConfigException {
        if (file.isEmpty()) {
            return JsonNodeFactory.instance.objectNode();
        }
        Path path = file.get();
        if (Files.isDirectory(path)) {
            throw new ConfigException(path + ": is a directory, not a configuration file; name the YAML file in it");
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(path
                    + (Files.exists(path)
                            ? ": is not a regular file (a device or a pipe); name a YAML configuration file"
                            : ": configuration file not found"));
        }
        String text = "";
        try {
            text = BoundedInput.readText(path, MAX_FILE_BYTES);
            DocumentBinding.Document document = DocumentBinding.read(Yaml.MAPPER, text);
            JsonNode node = document.tree();
            if (node.isNull() || node.isMissingNode()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException(path + ": expected a mapping of keys at the top level");
            }
            document.numbersAsWritten().forEach((key, written) -> keepAsWritten(node, key, written));
            document.places().forEach((key, place) -> {
                if (!key.isEmpty()) {
                    origin.put(key, path + ":" + place.key().line());
                }
            });
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            // A YAML syntax error at the mistake itself and in words, as the simulator's files say it (YamlMistake).
            Optional<YamlMistake> mistake = YamlMistake.of(e, text);
            if (mistake.isPresent()) {
                throw new ConfigException(path + ":" + mistake.get().line() + ": "
                        + mistake.get().what() + " (" + mistake.get().where() + ")");
            }
            // Jackson's own (a key written twice), at its location.
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new ConfigException(
                    path + ":" + line + ": not valid YAML: " + BoundedInput.reason(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read: " + e.getMessage());
        }
    }

    /** The one map of the configuration whose values are sections: a family's own renewal settings. */
    private static final String FAMILY_OVERRIDES = "renewal.families";

    /**
     * Reports every empty list entry (a '-' with nothing after it) and takes its list out, so the list falls back to
     * its default: bound, such an entry fails its whole section ("bridge: null"), hiding the section's other problems.
     * An empty family override under {@value #FAMILY_OVERRIDES} is reported and taken out the same way.
     */
    private static void dropEmptyEntries(JsonNode node, String path, List<String> errors) {
        if (node instanceof ObjectNode obj) {
            List<String> drop = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                boolean empty = false;
                if (FAMILY_OVERRIDES.equals(path) && e.getValue().isNull()) {
                    // 'office2013:' with nothing under it: bound, it failed the whole renewal section at its first
                    // line with "not a valid value".
                    errors.add(p + ": empty; give its kms or makFallback under it, or remove it");
                    drop.add(e.getKey());
                    continue;
                }
                if (e.getValue() instanceof ArrayNode arr) {
                    for (int i = 0; i < arr.size(); i++) {
                        if (arr.get(i).isNull()) {
                            errors.add(p + "[" + i + "]: an empty list entry (a '-' with nothing after it); remove it "
                                    + "or give its value");
                            empty = true;
                        }
                    }
                }
                if (empty) {
                    drop.add(e.getKey());
                } else {
                    dropEmptyEntries(e.getValue(), p, errors);
                }
            }
            drop.forEach(obj::remove);
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                dropEmptyEntries(arr.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private static final Pattern PATH_STEP = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    /**
     * Puts back the text of a number in the file that its reading changed ({@code agentId: 007} read as 7; YAML 1.1's
     * {@code 0x1F} and {@code 10_000}), as {@link #scalar} does for the environment and --set: one rule for every
     * source. A text setting keeps it as written; a number setting reads it as its number or refuses it, naming the
     * key.
     */
    private static void keepAsWritten(JsonNode root, String path, String written) {
        Matcher step = PATH_STEP.matcher(path);
        JsonNode container = null;
        String field = null;
        int index = -1;
        JsonNode at = root;
        while (step.find()) {
            container = at;
            field = step.group(1);
            index = field == null ? Integer.parseInt(step.group(2)) : -1;
            at = field != null ? at.path(field) : at.path(index);
        }
        if (container instanceof ObjectNode obj
                && field != null
                && obj.get(field) != null
                && obj.get(field).isNumber()) {
            obj.put(field, written);
        } else if (container instanceof ArrayNode arr
                && index >= 0
                && index < arr.size()
                && arr.get(index).isNumber()) {
            arr.set(index, JsonNodeFactory.instance.textNode(written));
        }
    }

    private JsonNode scalar(String text) {
        try {
            JsonNode n = Yaml.MAPPER.readTree(text);
            if (n != null && n.isNumber() && !n.asText().equals(text.strip())) {
                // 007, +5, 1e3: read as a number they would lose how they were written, which a text setting (an agent
                // id, a token) keeps; a number setting reads the text as the same number (not 0x1F or 10_000, which
                // it then refuses, naming the key).
                return JsonNodeFactory.instance.textNode(text.strip());
            }
            return n == null || n.isMissingNode() ? NullNode.getInstance() : n;
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }

    /**
     * Sets one key of the tree to an override's value. A section on the way that the file gave as something other than
     * a mapping ({@code bridge: [1,2]} under {@code --set bridge.port=9999}) is reported here, where its origin still
     * names the file's line, before the override replaces it: the override sets one key, it does not excuse the rest
     * of the section. Only the exact value the override names is replaced without a word.
     */
    private static void put(ObjectNode root, String dotted, JsonNode value, List<String> errors) {
        String[] parts = dotted.split("\\.");
        ObjectNode at = root;
        String path = "";
        for (int i = 0; i < parts.length - 1; i++) {
            path = path.isEmpty() ? parts[i] : path + "." + parts[i];
            JsonNode next = at.get(parts[i]);
            if (!(next instanceof ObjectNode)) {
                if (next != null && !next.isNull()) {
                    errors.add(path + ": expected a mapping of keys"
                            + (next.isValueNode() ? ", got '" + BoundedInput.shown(next.asText()) + "'" : found(next)));
                }
                next = at.putObject(parts[i]);
            }
            at = (ObjectNode) next;
        }
        at.set(parts[parts.length - 1], value);
    }

    /** Replaces each {@code ${NAME}}, adding each NAME to {@code names}. */
    private void resolveEnvironmentReferences(JsonNode node, String path, List<String> errors, Set<String> names) {
        if (node instanceof ObjectNode obj) {
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (e.getValue().isTextual()) {
                    String written = e.getValue().asText();
                    resolved(written, p, errors, names).ifPresent(v -> obj.set(e.getKey(), referenced(written, v)));
                } else {
                    resolveEnvironmentReferences(e.getValue(), p, errors, names);
                }
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                String p = path + "[" + i + "]";
                if (arr.get(i).isTextual()) {
                    int at = i;
                    String written = arr.get(i).asText();
                    resolved(written, p, errors, names).ifPresent(v -> arr.set(at, referenced(written, v)));
                } else {
                    resolveEnvironmentReferences(arr.get(i), p, errors, names);
                }
            }
        }
    }

    /**
     * A resolved value as the setting takes it: text, except that a value that is one reference alone and names
     * {@code true} or {@code false} ({@code enabled: ${BRIDGE_ON}}) is that boolean, as if written in the file, since
     * a boolean setting refuses text and the variable cannot be written without quotes.
     */
    private static JsonNode referenced(String written, String value) {
        boolean alone = ENV_REF.matcher(written.strip()).matches();
        if (alone && value.matches("true|True|TRUE|false|False|FALSE")) { // YAML 1.2's spellings, as in the file
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value));
        }
        return JsonNodeFactory.instance.textNode(value);
    }

    private Optional<String> resolved(String text, String path, List<String> errors, Set<String> names) {
        Matcher m = ENV_REF.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder();
        m.reset();
        while (m.find()) {
            names.add(m.group(1));
            String value = environment.get(m.group(1));
            if (value == null && secretsUnused && SECRET_KEY.matcher(path).matches()) {
                // Long enough for the token rule, one per key (no "given twice"), and no enrolled credential's shape.
                value = "(unset " + m.group(1) + " for " + path + ")";
            }
            if (value == null) {
                errors.add(path + ": environment variable " + BoundedInput.shown(m.group(1)) + " is not set");
                return Optional.empty();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return Optional.of(out.toString());
    }

    /** One line for a value that does not fit: its key path, what the key allows and, for a mismatch, what it got. */
    private static String describe(DocumentBinding.Misfit misfit) {
        String path = misfit.path().isEmpty() ? "(top level)" : misfit.path();
        JsonProcessingException error = misfit.error();
        Optional<String> outOfRange = misfit.numberOutOfRange();
        if (outOfRange.isPresent()) {
            return path + ": " + outOfRange.get();
        } else if (error instanceof UnrecognizedPropertyException e) {
            List<String> known = new ArrayList<>();
            e.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            known.sort(null);
            return path + ": unknown key (known here: " + String.join(", ", known) + ")";
        } else if (error instanceof InvalidFormatException e) {
            String value = String.valueOf(e.getValue());
            // Only a text reaches StrictBoolean spelled as a boolean: "true" in quotes, or an environment reference.
            boolean textBoolean = e.getTargetType() == Boolean.class
                    && (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false"));
            // 0x4719 and 18_201 are numbers to YAML 1.1 and to Java's source, not to a setting (docs/configuration.md).
            boolean notDecimal = Number.class.isAssignableFrom(boxed(e.getTargetType()))
                    && value.matches("[-+]?(0[xXoObB][0-9a-fA-F_]*|[0-9][0-9_]*_[0-9_]*)");
            return path + ": expected " + describe(e.getTargetType()) + ", got '" + BoundedInput.shown(value) + "'"
                    + (textBoolean ? " (a text value: write true or false without quotes)" : "")
                    + (notDecimal ? " (write the number in decimal)" : "");
        } else if (error instanceof ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return path + ": "
                    + BoundedInput.reason(Objects.requireNonNullElse(cause.getMessage(), "not a valid value"));
        } else if (error instanceof MismatchedInputException e) {
            if (e.getTargetType() != null
                    && List.class.isAssignableFrom(e.getTargetType())
                    && misfit.found() != null
                    && misfit.found().isValueNode()) {
                // A first try at a list key is one value (--set fleet.hubs=hub-a:7688): show how a list is written,
                // in a file and on the command line alike.
                String one = BoundedInput.shown(misfit.found().asText());
                return path + ": expected a list, got '" + one + "' (write it as " + listOfOne(one)
                        + ", or [a, b] for more)";
            }
            return path + ": expected " + describe(e.getTargetType()) + found(misfit.found());
        } else if (error instanceof JsonMappingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            return path + ": " + BoundedInput.reason(message);
        }
        return "configuration: " + BoundedInput.reason(error.getOriginalMessage());
    }

    /**
     * How {@code value} is written as a list of one. A value that is itself a list that did not read (the MSI's
     * {@code [[fd00::1]:7688]}) is the entry inside it; an entry holding YAML's brackets, braces or quotes (an IPv6
     * hub, {@code [fd00::1]:7688}) is quoted, or its brackets would be read as a list again.
     */
    private static String listOfOne(String value) {
        String one = value.length() > 2 && value.startsWith("[") && value.endsWith("]")
                ? value.substring(1, value.length() - 1).strip()
                : value;
        if (one.chars().noneMatch(c -> "[]{}\"'#".indexOf(c) >= 0)) {
            return "[" + one + "]";
        }
        return "[\"" + one.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }

    /** What a mismatched value is, when it is a list or a mapping (a scalar's text is quoted where it matters). */
    private static String found(JsonNode value) {
        if (value.isArray()) {
            return ", found a list";
        }
        if (value.isObject()) {
            return ", found a mapping of keys";
        }
        return "";
    }

    private static Class<?> boxed(Class<?> type) {
        if (type == int.class) {
            return Integer.class;
        }
        if (type == long.class) {
            return Long.class;
        }
        if (type == double.class) {
            return Double.class;
        }
        return type == null ? Object.class : type;
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a different kind of value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping of keys";
        }
        if (type == String.class) {
            return "a text value";
        }
        return "a " + type.getSimpleName();
    }
}
