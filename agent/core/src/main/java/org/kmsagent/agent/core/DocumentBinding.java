package org.kmsagent.agent.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a YAML or JSON document that a user wrote (the agent's configuration, a simulation scenario) so that one run
 * reports every value that does not fit its type, each with where it is written. Jackson's binding stops at the first
 * value that does not fit; {@link #bind} takes that value out of the tree (its key then gets its default) and binds
 * again, until the tree binds. A syntax error or a key written twice stops {@link #read}: nothing past it can be
 * read. Callers word the problems (each file type has its own vocabulary); the reading is here once, and so is the
 * wording of a whole number too large for its key ({@link Misfit#numberOutOfRange}), which no file type words its own
 * way.
 *
 * <p>Stateless; the mapper passed in is only read.
 */
public final class DocumentBinding {
    /** Enough to take out every value of any real file one by one; a guard against a loop, never reached. */
    private static final int MAX_BIND_ATTEMPTS = 1000;

    private DocumentBinding() {}

    /**
     * The YAML every document a user writes is read as: YAML 1.2's booleans only ({@code true} and {@code false}, any
     * case); YAML 1.1's {@code yes}, {@code no}, {@code on} and {@code off} are words, which an on/off value then
     * refuses (docs/configuration.md) and a text value keeps as written.
     */
    public static YAMLFactory yamlFactory() {
        return new YAMLFactory().enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS);
    }

    /** A line and a column, both counted from 1. */
    public record Position(int line, int column) {
        static Position of(JsonLocation at) {
            return new Position(at.getLineNr(), at.getColumnNr());
        }

        /** Where a parser stopped, or empty when it does not say (no location, or no line). */
        public static Optional<Position> where(JsonLocation at) {
            return at == null || at.getLineNr() <= 0 ? Optional.empty() : Optional.of(of(at));
        }

        /** {@code line 4, column 7}: how every message of the agent says where in a file a thing is written. */
        public String where() {
            return "line " + line + ", column " + column;
        }
    }

    /** Where an entry is written: its key (for a list element, the element itself) and its value. */
    public record Place(Position key, Position value) {}

    /**
     * A document as read: its tree (a {@link MissingNode} when the text holds none) and where each entry is written,
     * by key path ({@code bridge.tokens[0].role}; the empty path is the document itself).
     */
    public record Document(JsonNode tree, Map<String, Place> places, Map<String, String> numbersAsWritten) {
        /**
         * @param numbersAsWritten by key path, each number whose text reads as another ({@code 007} as 7, YAML 1.1's
         *     {@code 0x1F} as 31 and {@code 10_000} as 10000, {@code 1e3} as 1000.0): the text as written
         */
        public Document {
            places = Map.copyOf(places);
            numbersAsWritten = Map.copyOf(numbersAsWritten);
        }

        /** Where {@code path} is written, or else the nearest entry that encloses it and is. */
        public Optional<Place> placeOf(String path) {
            String at = path;
            while (true) {
                Place place = places.get(at);
                if (place != null || at.isEmpty()) {
                    return Optional.ofNullable(place);
                }
                at = parentOf(at);
            }
        }
    }

    /**
     * A value that does not fit.
     *
     * @param path its key path as written ({@code bridge.inbound[0]}; empty for the document itself)
     * @param error Jackson's reason
     * @param found the value written there (never null; a {@link MissingNode} when there is none)
     */
    public record Misfit(String path, JsonProcessingException error, JsonNode found) {
        /**
         * What is wrong, when it is a whole number too large (or too small) for its key's type, an {@code int}'s or a
         * {@code long}'s: {@code expected a whole number, got 99999999999 (too large)}; empty for any other misfit.
         * Every document read here (the agent's configuration, a scenario, a what-if changes file) says it in these
         * words: the parser's own ("Numeric value (99999999999) out of range of int (-2147483648 - 2147483647)") name
         * bounds that no key has, and a key's own range lives with the checks of its value, which never see it.
         */
        public Optional<String> numberOutOfRange() {
            if (!found.isIntegralNumber() || !causedBy(error, InputCoercionException.class)) {
                return Optional.empty();
            }
            return Optional.of("expected a whole number, got " + BoundedInput.shown(found.asText()) + " (too "
                    + (found.bigIntegerValue().signum() < 0 ? "small" : "large") + ")");
        }

        private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
            for (Throwable at = t; at != null; at = at.getCause() == at ? null : at.getCause()) {
                if (type.isInstance(at)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The result of {@link #bind}.
     *
     * @param value the bound value, with every misfit at its default; empty when a misfit could not be taken out
     * @param misfits every value that did not fit, in the order found
     */
    public record Bound<T>(Optional<T> value, List<Misfit> misfits) {
        public Bound {
            misfits = List.copyOf(misfits);
        }
    }

    /**
     * Reads the text into a tree and notes where each key and list element is written.
     *
     * @throws JsonProcessingException the text is not valid YAML or JSON, holds a key twice, or more than one document
     *     (when the mapper refuses those)
     */
    public static Document read(ObjectMapper mapper, String text) throws JsonProcessingException {
        JsonNode tree = mapper.readTree(text);
        Map<String, Place> places = new HashMap<>();
        Map<String, String> numbersAsWritten = new HashMap<>();
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            if (p.nextToken() != null) {
                Position at = Position.of(p.currentTokenLocation());
                places.put("", new Place(at, at));
                places(p, "", places, numbersAsWritten);
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String source does no I/O
        }
        return new Document(tree == null ? MissingNode.getInstance() : tree, places, numbersAsWritten);
    }

    /**
     * Records where every key and list element below the parser's current token is written, and the text of each
     * number that reads as another.
     */
    private static void places(JsonParser p, String path, Map<String, Place> places, Map<String, String> numbers)
            throws IOException {
        if (p.currentToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String child = path.isEmpty() ? p.currentName() : path + "." + p.currentName();
                Position key = Position.of(p.currentTokenLocation());
                p.nextToken();
                places.put(child, new Place(key, Position.of(p.currentTokenLocation())));
                places(p, child, places, numbers);
            }
        } else if (p.currentToken() == JsonToken.START_ARRAY) {
            for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                String child = path + "[" + i + "]";
                Position at = Position.of(p.currentTokenLocation());
                places.put(child, new Place(at, at));
                places(p, child, places, numbers);
            }
        } else if (p.currentToken().isNumeric()) {
            String written = p.getText();
            if (!written.equals(String.valueOf(p.getNumberValue()))) {
                numbers.put(path, written);
            }
        }
    }

    /**
     * Binds the tree to {@code type}, taking out each value that does not fit and binding again, so that every misfit
     * is found in one run. A list element that does not fit takes its whole list out once the rest of the tree has been
     * bound (the list falls back to its default): a list with a hole in it would fail its section as a whole, and with
     * the element taken out the later ones would no longer be at the index they are written at. The tree is changed.
     */
    public static <T> Bound<T> bind(ObjectMapper mapper, JsonNode tree, Class<T> type) {
        List<Misfit> misfits = new ArrayList<>();
        List<List<JsonMappingException.Reference>> holed = new ArrayList<>();
        for (int attempt = 0; attempt < MAX_BIND_ATTEMPTS; attempt++) {
            try {
                T value = mapper.treeToValue(tree, type);
                if (holed.isEmpty()) {
                    return new Bound<>(Optional.of(value), misfits);
                }
                dropLists(tree, holed);
            } catch (JsonProcessingException e) {
                List<JsonMappingException.Reference> path =
                        e instanceof JsonMappingException m ? m.getPath() : List.of();
                if (holed.stream().anyMatch(list -> startsWith(list, path))) {
                    // Most likely the hole we left fails the section that holds the list: close it and try again (a
                    // real fault of the section shows again then).
                    dropLists(tree, holed);
                    continue;
                }
                String where = pathOf(path);
                if (misfits.stream().anyMatch(m -> m.path().equals(where))) {
                    // Taken out and still refused (a primitive the mapper will not default): reported once already,
                    // and nothing more can be bound.
                    break;
                }
                misfits.add(new Misfit(where, e, at(tree, path)));
                if (!takeOut(tree, path, holed)) {
                    break;
                }
            }
        }
        return new Bound<>(Optional.empty(), misfits);
    }

    /**
     * The key path a path is inside of: {@code bridge.tokens[0]} for {@code bridge.tokens[0].role}, {@code
     * bridge.tokens} for {@code bridge.tokens[0]}, empty at the top.
     */
    public static String parentOf(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    /** The key path of a binding error as a user writes it: {@code bridge.tokens[0].role}; empty for the top. */
    private static String pathOf(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The node a path leads to, or a {@link MissingNode}. */
    private static JsonNode at(JsonNode tree, List<JsonMappingException.Reference> path) {
        JsonNode at = tree;
        for (JsonMappingException.Reference r : path) {
            at = r.getFieldName() != null ? at.path(r.getFieldName()) : at.path(r.getIndex());
        }
        return at;
    }

    /** Whether {@code path} starts with {@code prefix} (or is it). */
    private static boolean startsWith(
            List<JsonMappingException.Reference> path, List<JsonMappingException.Reference> prefix) {
        if (prefix.size() > path.size()) {
            return false;
        }
        for (int i = 0; i < prefix.size(); i++) {
            JsonMappingException.Reference a = path.get(i);
            JsonMappingException.Reference b = prefix.get(i);
            if (a.getFieldName() != null
                    ? !a.getFieldName().equals(b.getFieldName())
                    : b.getFieldName() != null || a.getIndex() != b.getIndex()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes the value a binding error points at out of the tree: a key is removed; a list element is set to null
     * (which keeps the later elements at the index they are written at) and its list noted in {@code holed}. False
     * when there is nothing to take out.
     */
    private static boolean takeOut(
            JsonNode tree,
            List<JsonMappingException.Reference> path,
            List<List<JsonMappingException.Reference>> holed) {
        if (path.isEmpty()) {
            return false;
        }
        List<JsonMappingException.Reference> parentPath = path.subList(0, path.size() - 1);
        JsonNode parent = at(tree, parentPath);
        JsonMappingException.Reference last = path.get(path.size() - 1);
        if (parent instanceof ObjectNode obj && last.getFieldName() != null) {
            return obj.remove(last.getFieldName()) != null;
        }
        if (parent instanceof ArrayNode arr && last.getIndex() >= 0 && last.getIndex() < arr.size()) {
            if (arr.get(last.getIndex()).isNull()) {
                // A null the element type refuses, written so (`- ~`): there is no value to blank, so the list goes
                // now, and the rest of the document is still read.
                return takeOut(tree, parentPath, holed);
            }
            arr.set(last.getIndex(), NullNode.getInstance());
            if (holed.stream().noneMatch(list -> startsWith(list, parentPath) && list.size() == parentPath.size())) {
                holed.add(List.copyOf(parentPath));
            }
            return true;
        }
        return false;
    }

    /** Takes every list with a hole out of the tree (a list inside a list leaves a hole in the outer one). */
    private static void dropLists(JsonNode tree, List<List<JsonMappingException.Reference>> holed) {
        List<List<JsonMappingException.Reference>> lists = new ArrayList<>(holed);
        holed.clear();
        for (List<JsonMappingException.Reference> list : lists) {
            if (!list.isEmpty() && !at(tree, list).isMissingNode()) {
                takeOut(tree, list, holed);
            }
        }
        if (!holed.isEmpty()) {
            dropLists(tree, holed);
        }
    }
}
