package org.kmsagent.agent.simulate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.DocumentBinding;
import org.kmsagent.agent.core.FileReason;
import org.kmsagent.agent.core.YamlMistake;

/**
 * How the simulator reads a file of its own (a scenario, a what-if changes file): bounded in size, bound to its
 * type the way the agent's configuration is ({@link DocumentBinding}), and every problem said with its line, column
 * and field path ({@code line 8, column 12: field 'machines[0].count': ...}), all at once.
 */
final class SimulatorFile {
    private SimulatorFile() {}

    /**
     * The text of {@code file}, at most {@code maxBytes}.
     *
     * @throws ScenarioException it is missing, too large or unreadable, said in one problem
     */
    static String text(Path file, int maxBytes) throws ScenarioException {
        String source = file.toString();
        try {
            return BoundedInput.readText(file, maxBytes);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(source, List.of("no such file"));
        } catch (BoundedInput.TooLargeException e) {
            throw new ScenarioException(source, List.of("the file is " + e.getMessage()));
        } catch (IOException e) {
            throw new ScenarioException(source, List.of("cannot read: " + FileReason.of(e)));
        }
    }

    /**
     * A file of the simulator (a scenario, a changes file) as read: its values, each value of the wrong type left out
     * (so the rest is still read and checked), and the problems found reading it.
     *
     * @param value the file's values; empty when there are none (the file is empty) or the file is not a mapping
     * @param misfits one problem per value of the wrong type, with its line and column
     * @param refused the field path of each misfit, and of its list for a list element (the list is left out whole)
     */
    record Read<T>(Optional<T> value, List<String> misfits, Set<String> refused, DocumentBinding.Document document) {
        /**
         * Every problem of the file: those found reading it, then those the checks of its values found (each with its
         * line and column), less the checks of a field already refused in reading (left out, its default may not
         * suit: one problem is said once).
         */
        List<String> problems(List<FieldProblem> checks) {
            List<String> all = new ArrayList<>(misfits);
            if (value.isEmpty() && misfits.isEmpty()) {
                all.add("the file is empty");
            }
            for (FieldProblem check : checks) {
                if (!refused.contains(check.field())) {
                    all.add(where(document.places(), check.field())
                            .map(w -> w + ": " + check.text())
                            .orElse(check.text()));
                }
            }
            return all;
        }
    }

    /**
     * Reads a file into {@code type} the way the agent's configuration is read (DocumentBinding):
     * every value of the wrong type is a problem with its line and column.
     *
     * @throws ScenarioException the text is not valid YAML or JSON, or holds a key twice: reported alone, as nothing
     *     past it can be read
     */
    static <T> Read<T> bind(String source, String text, boolean yaml, Class<T> type) throws ScenarioException {
        MapperBuilder<?, ?> builder = yaml ? YAMLMapper.builder(DocumentBinding.yamlFactory()) : JsonMapper.builder();
        ObjectMapper mapper = builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // A key given twice, text after the document, and 2.5 where a count is meant are mistakes, not values
                // to guess.
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                // So are 1, yes or "true" for true and "2" for 2, as the agent's configuration refuses them for an
                // on/off setting (docs/configuration.md): a value of the wrong type is an error (docs/simulate.md). A
                // number or true where text is meant (windows: 11, from: 0) is still that text.
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        DocumentBinding.Document document;
        try {
            document = DocumentBinding.read(mapper, text);
        } catch (JsonProcessingException e) {
            Optional<String> yamlSyntax = yamlSyntax(e, text);
            if (yamlSyntax.isPresent()) {
                throw new ScenarioException(source, List.of(yamlSyntax.get()));
            }
            String where = DocumentBinding.Position.where(e.getLocation())
                    .map(DocumentBinding.Position::where)
                    .orElse("");
            throw new ScenarioException(source, List.of(problem(where, parsedPath(e), what(e, where, null))));
        }
        if (document.tree().isMissingNode() || document.tree().isNull()) {
            return new Read<>(Optional.empty(), List.of(), Set.of(), document);
        }
        DocumentBinding.Bound<T> bound = DocumentBinding.bind(mapper, document.tree(), type);
        List<String> misfits = new ArrayList<>();
        Set<String> refused = new HashSet<>();
        for (DocumentBinding.Misfit m : bound.misfits()) {
            // An unknown field is wrong in its name, any other misfit in its value.
            String where = document.placeOf(m.path())
                    .map(p -> m.error() instanceof UnrecognizedPropertyException ? p.key() : p.value())
                    .map(DocumentBinding.Position::where)
                    .orElse("");
            misfits.add(problem(
                    where, m.path(), m.numberOutOfRange().orElseGet(() -> what(m.error(), where, m.found()))));
            refused.add(m.path());
            if (m.path().endsWith("]")) {
                refused.add(DocumentBinding.parentOf(m.path()));
            }
        }
        return new Read<>(bound.value(), misfits, refused, document);
    }

    /**
     * Where a checked field is written ({@code line 4, column 14}): its value when that starts on the key's line, else
     * the key; else the nearest enclosing field that is written. Empty for a field not written at all.
     */
    private static Optional<String> where(Map<String, DocumentBinding.Place> places, String field) {
        for (String at = field; !at.isEmpty(); at = DocumentBinding.parentOf(at)) {
            DocumentBinding.Place p = places.get(at);
            if (p != null) {
                DocumentBinding.Position pos = p.value().line() == p.key().line() ? p.value() : p.key();
                return Optional.of(pos.where());
            }
        }
        return Optional.empty();
    }

    /** The field path a parser was at when it stopped ({@code machines[0].name}), or empty. */
    private static String parsedPath(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser parser)) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, (c.getParent() != null && c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
            }
        }
        return String.join("", parts);
    }

    /** One problem: where ("line 4, column 7", or empty), the field path (or empty), and what is wrong. */
    private static String problem(String where, String path, String what) {
        return (where.isEmpty() ? "" : where + ": ") + (path.isEmpty() ? "" : "field '" + path + "': ") + what;
    }

    /** A YAML syntax error ({@link YamlMistake}), with the field path where one is a field's; empty for any other. */
    private static Optional<String> yamlSyntax(JsonProcessingException e, String text) {
        return YamlMistake.of(e, text)
                .map(m -> problem(
                        m.where(),
                        m.kind() == YamlMistake.Kind.VALUE_WHERE_NONE_MAY_BE ? parsedPath(e) : "",
                        m.what()));
    }

    /**
     * What is wrong, in the words of a scenario file, for a parser's error at {@code where} (or empty) about the value
     * {@code found} (or null when not known).
     */
    private static String what(JsonProcessingException e, String where, JsonNode found) {
        String what;
        if (e instanceof UnrecognizedPropertyException u) {
            what = "unknown field '" + u.getPropertyName() + "' (allowed here: "
                    + u.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", ")) + ")";
        } else if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")) {
            what = "trailing text after the end of the document (one scenario per file)";
        } else if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            what = expected(mi.getTargetType()) + given(mi.getTargetType(), found);
        } else {
            // The parser's reason whole (only a runaway one is cut); the mark that repeats 'where' is left out.
            what = BoundedInput.reason(e.getOriginalMessage()).replaceAll(" \\(class [^)]*\\)", "");
            if (!where.isEmpty()) {
                what = what.replace(" (" + where + ")", "");
            }
            what = what.replaceAll("`org\\.kmsagent\\.agent\\.simulate\\.ScenarioFile\\$?(\\w*)`", "$1")
                    .replace("java.lang.", "");
        }
        return what;
    }

    /**
     * What was given instead of a number or true/false, quoted back: {@code , got 'sixty'}; a number or true written
     * in quotes is text, said so with how to write it ({@code , got the text "2"; write it without quotes}). Empty
     * for a value of another kind (a list, a mapping).
     */
    private static String given(Class<?> type, JsonNode found) {
        boolean number = type == Integer.class || type == Long.class || type == int.class || type == long.class;
        boolean onOff = type == Boolean.class || type == boolean.class;
        if (found == null || !(number || onOff)) {
            return "";
        }
        if (found.isTextual()) {
            String text = found.textValue();
            boolean fits = number ? text.strip().matches("[+-]?[0-9]+") : text.equals("true") || text.equals("false");
            return fits
                    ? ", got the text \"" + BoundedInput.shown(text) + "\"; write it without quotes"
                    : ", got '" + BoundedInput.shown(text) + "'";
        }
        return found.isValueNode() && !found.isNull() ? ", got " + BoundedInput.shown(found.asText()) : "";
    }

    /** What a field of that type needs, in the words of a scenario file. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "expected a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "expected true or false";
        }
        if (type == String.class) {
            return "expected text (a single value)";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "expected a list (lines starting with '- ')";
        }
        return "expected a mapping (lines of 'field: value')";
    }
}
