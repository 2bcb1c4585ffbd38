package org.kmsagent.agent.plugin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.DocumentBinding;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.ProductKey;

/**
 * Reads a catalog document ({@code catalog.json}) into a {@link CatalogDocument} with Jackson's streaming parser.
 *
 * <p>Why not data binding: every command that loads the plugins reads eight catalogs, and binding built a deserializer
 * for each of the document's seven record types and initialised the object mapper (its date formats, the JDK's locale
 * data) first: about a quarter of a {@code kms-agent status} process's CPU (docs/performance-log.md). The document is a
 * few KB of a fixed shape, read once per plugin.
 *
 * <p>The text is first checked to be JSON as a whole, so that a syntax error is reported with its line even when a
 * field before it is wrong too; then each field is read by name. Every message starts with {@code catalog}, names the
 * field by its path ({@code catalog skus[2].gvlk: ...}) and ends with its line and column, but for a field missing
 * from the document's own object, which has no place of its own (the object is the whole text). What is checked here
 * is the shape: which fields exist, which are required, and their JSON types; what the values mean is {@link
 * CatalogReader}'s. An optional field given as {@code null} is absent; a required one is refused where it is written.
 */
final class CatalogJson {
    private static final JsonFactory JSON = new JsonFactory();
    /** Jackson's words for a bare word where a value belongs, quoting the word. */
    private static final Pattern UNRECOGNIZED_TOKEN = Pattern.compile("^Unrecognized token '([^']*)'");

    private static final List<String> DOCUMENT_FIELDS = List.of(
            "displayName",
            "applicationId",
            "licensingService",
            "gracePeriodDays",
            "thresholdClasses",
            "productGroups",
            "skus",
            "hostKeys",
            "licensePack");
    private static final List<String> THRESHOLD_CLASS_FIELDS = List.of("name", "minimumCount");
    private static final List<String> PRODUCT_GROUP_FIELDS = List.of("name", "kmsId");
    private static final List<String> SKU_FIELDS =
            List.of("name", "product", "edition", "skuId", "gvlk", "group", "thresholdClass", "source");
    private static final List<String> HOST_KEY_FIELDS = List.of("name", "generation", "activates", "licensePack");
    private static final List<String> LICENSING_SERVICE_FIELDS = List.of("windows7AndOlder", "windows8AndLater");
    private static final List<String> LICENSE_PACK_FIELDS = List.of("name", "hostActivationId", "hostOperatingSystems");

    private final JsonParser p;
    /** Where each field given as null is written, by path: a required one is refused there. */
    private final Map<String, JsonLocation> nulls = new HashMap<>();

    private CatalogJson(JsonParser p) {
        this.p = p;
    }

    /**
     * The document in {@code text} (UTF-8, or any encoding JSON allows).
     *
     * @throws CatalogException naming what is not JSON, or the field whose shape is wrong, with its line and column
     */
    static CatalogDocument read(byte[] text) throws CatalogException {
        try (JsonParser syntax = JSON.createParser(text)) {
            // A field written twice ("gvlk" in one edition) would otherwise keep its last value without a word.
            syntax.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            while (syntax.nextToken() != null) {
                // only the tokenizer's verdict is wanted here
            }
        } catch (JsonParseException e) {
            String reason = e.getOriginalMessage();
            String shown = withoutKey(reason, text, e.getLocation());
            String message = "catalog is not valid JSON: " + shown + at(e.getLocation());
            // Jackson's own message, the cause's, holds the key whole.
            throw shown.equals(reason) ? new CatalogException(message, e) : new CatalogException(message);
        } catch (IOException e) {
            throw new CatalogException("catalog cannot be read: " + e.getMessage(), e);
        }
        try (JsonParser parser = JSON.createParser(text)) {
            CatalogJson reader = new CatalogJson(parser);
            if (parser.nextToken() == null) {
                throw new CatalogException("catalog is empty: expected a JSON object");
            }
            CatalogDocument doc = reader.document();
            if (parser.nextToken() != null) {
                throw reader.wrong("", "unexpected content after the catalog's object");
            }
            return doc;
        } catch (IOException e) {
            throw new CatalogException("catalog cannot be read: " + e.getMessage(), e);
        } catch (CatalogException e) {
            throw named(e, text);
        }
    }

    /** A refusal's path into a list of the document: {@code catalog skus[4].group: ...}. */
    private static final Pattern IN_A_LIST = Pattern.compile(
            "catalog (skus|productGroups|thresholdClasses|hostKeys)" + "\\[(\\d+)\\](?! \\()(.*)", Pattern.DOTALL);

    /**
     * The refusal with the name of the list entry it is about, as the catalog's other refusals give it ({@code catalog
     * skus[4] (Windows Server 2022 Datacenter).group: ...}): an entry is found by its name, not by counting.
     */
    private static CatalogException named(CatalogException e, byte[] text) {
        Matcher m = IN_A_LIST.matcher(e.getMessage());
        if (!m.matches()) {
            return e;
        }
        String name = entryName(text, m.group(1), Integer.parseInt(m.group(2)));
        if (name == null || name.isBlank()) {
            return e;
        }
        return new CatalogException("catalog " + m.group(1) + "[" + m.group(2) + "] ("
                + BoundedInput.shown(BoundedInput.printable(name)) + ")" + m.group(3));
    }

    /** The {@code name} text of entry {@code index} of the document's list {@code list}; null if it has none. */
    private static String entryName(byte[] text, String list, int index) {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean wanted = list.equals(p.currentName());
                JsonToken value = p.nextToken();
                if (!wanted || value != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                    if (i < index || p.currentToken() != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_STRING && "name".equals(field)) {
                            return p.getText();
                        }
                        p.skipChildren();
                    }
                    return null;
                }
                return null;
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private CatalogDocument document() throws IOException, CatalogException {
        String displayName = null;
        String applicationId = null;
        CatalogDocument.LicensingServiceEntry services = null;
        Integer gracePeriodDays = null;
        List<CatalogDocument.ThresholdClassEntry> thresholdClasses = null;
        List<CatalogDocument.ProductGroupEntry> productGroups = null;
        List<CatalogDocument.SkuEntry> skus = null;
        List<CatalogDocument.HostKeyEntry> hostKeys = null;
        CatalogDocument.LicensePackEntry licensePack = null;
        JsonLocation start = objectStart("");
        while (nextField()) {
            String field = field("", DOCUMENT_FIELDS);
            String f = path("", field);
            switch (field) {
                case "displayName" -> displayName = string(f);
                case "applicationId" -> applicationId = string(f);
                case "licensingService" -> services = isNull() ? null : licensingService(f);
                case "gracePeriodDays" -> gracePeriodDays = integer(f);
                case "thresholdClasses" -> thresholdClasses = list(f, this::thresholdClass);
                case "productGroups" -> productGroups = list(f, this::productGroup);
                case "skus" -> skus = list(f, this::sku);
                case "hostKeys" -> hostKeys = list(f, this::hostKey);
                case "licensePack" -> licensePack = isNull() ? null : licensePack(f);
                default -> throw new IllegalStateException(f); // field() let only these through
            }
        }
        return new CatalogDocument(
                required("", "displayName", displayName, start),
                required("", "applicationId", applicationId, start),
                required("", "licensingService", services, start),
                required("", "gracePeriodDays", gracePeriodDays, start),
                thresholdClasses,
                required("", "productGroups", productGroups, start),
                required("", "skus", skus, start),
                hostKeys,
                licensePack);
    }

    private CatalogDocument.ThresholdClassEntry thresholdClass(String at) throws IOException, CatalogException {
        String name = null;
        Integer minimumCount = null;
        JsonLocation start = objectStart(at);
        while (nextField()) {
            String field = field(at, THRESHOLD_CLASS_FIELDS);
            String f = path(at, field);
            switch (field) {
                case "name" -> name = string(f);
                case "minimumCount" -> minimumCount = integer(f);
                default -> throw new IllegalStateException(f); // field() let only these through
            }
        }
        return new CatalogDocument.ThresholdClassEntry(
                required(at, "name", name, start), required(at, "minimumCount", minimumCount, start));
    }

    private CatalogDocument.ProductGroupEntry productGroup(String at) throws IOException, CatalogException {
        String name = null;
        String kmsId = null;
        JsonLocation start = objectStart(at);
        while (nextField()) {
            String field = field(at, PRODUCT_GROUP_FIELDS);
            String f = path(at, field);
            switch (field) {
                case "name" -> name = string(f);
                case "kmsId" -> kmsId = string(f);
                default -> throw new IllegalStateException(f); // field() let only these through
            }
        }
        return new CatalogDocument.ProductGroupEntry(
                required(at, "name", name, start), required(at, "kmsId", kmsId, start));
    }

    private CatalogDocument.SkuEntry sku(String at) throws IOException, CatalogException {
        String[] v = new String[SKU_FIELDS.size()];
        JsonLocation start = objectStart(at);
        while (nextField()) {
            String field = field(at, SKU_FIELDS);
            v[SKU_FIELDS.indexOf(field)] = string(path(at, field));
        }
        return new CatalogDocument.SkuEntry(
                required(at, "name", v[0], start),
                required(at, "product", v[1], start),
                required(at, "edition", v[2], start),
                v[3],
                required(at, "gvlk", v[4], start),
                required(at, "group", v[5], start),
                required(at, "thresholdClass", v[6], start),
                v[7]);
    }

    private CatalogDocument.HostKeyEntry hostKey(String at) throws IOException, CatalogException {
        String name = null;
        Integer generation = null;
        List<String> activates = null;
        String licensePack = null;
        JsonLocation start = objectStart(at);
        while (nextField()) {
            String field = field(at, HOST_KEY_FIELDS);
            String f = path(at, field);
            switch (field) {
                case "name" -> name = string(f);
                case "generation" -> generation = integer(f);
                case "activates" -> activates = list(f, this::string);
                case "licensePack" -> licensePack = string(f);
                default -> throw new IllegalStateException(f); // field() let only these through
            }
        }
        return new CatalogDocument.HostKeyEntry(
                required(at, "name", name, start),
                required(at, "generation", generation, start),
                required(at, "activates", activates, start),
                licensePack);
    }

    private CatalogDocument.LicensingServiceEntry licensingService(String at) throws IOException, CatalogException {
        LicensingService older = null;
        LicensingService newer = null;
        JsonLocation start = objectStart(at);
        while (nextField()) {
            String field = field(at, LICENSING_SERVICE_FIELDS);
            String f = path(at, field);
            switch (field) {
                case "windows7AndOlder" -> older = service(f);
                case "windows8AndLater" -> newer = service(f);
                default -> throw new IllegalStateException(f); // field() let only these through
            }
        }
        return new CatalogDocument.LicensingServiceEntry(
                required(at, "windows7AndOlder", older, start), required(at, "windows8AndLater", newer, start));
    }

    private CatalogDocument.LicensePackEntry licensePack(String at) throws IOException, CatalogException {
        String name = null;
        String hostActivationId = null;
        List<String> hostOperatingSystems = null;
        JsonLocation start = objectStart(at);
        while (nextField()) {
            String field = field(at, LICENSE_PACK_FIELDS);
            String f = path(at, field);
            switch (field) {
                case "name" -> name = string(f);
                case "hostActivationId" -> hostActivationId = string(f);
                case "hostOperatingSystems" -> hostOperatingSystems = list(f, this::string);
                default -> throw new IllegalStateException(f); // field() let only these through
            }
        }
        return new CatalogDocument.LicensePackEntry(
                required(at, "name", name, start),
                required(at, "hostActivationId", hostActivationId, start),
                hostOperatingSystems);
    }

    /** One element of a list, read from the parser's current token. */
    @FunctionalInterface
    private interface Element<T> {
        T read(String at) throws IOException, CatalogException;
    }

    /** A list at the current token (null for JSON null); no element may be null. */
    private <T> List<T> list(String at, Element<T> element) throws IOException, CatalogException {
        if (isNull()) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw wrong(at, "expected a list, got " + describe(p.currentToken()));
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            String e = at + "[" + i + "]";
            if (isNull()) {
                throw wrong(e, "must not be null");
            }
            out.add(element.read(e));
        }
        return out;
    }

    private String string(String at) throws IOException, CatalogException {
        if (isNull()) {
            return null;
        }
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw wrong(at, "expected a string, got " + describe(p.currentToken()));
        }
        return p.getText();
    }

    private Integer integer(String at) throws IOException, CatalogException {
        if (isNull()) {
            return null;
        }
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw wrong(at, "expected a whole number, got " + describe(p.currentToken()));
        }
        if (p.getNumberType() != JsonParser.NumberType.INT) {
            throw wrong(at, p.getText() + " is too large");
        }
        return p.getIntValue();
    }

    private LicensingService service(String at) throws IOException, CatalogException {
        String name = string(at);
        if (name == null) {
            return null;
        }
        for (LicensingService s : LicensingService.values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw wrong(at, "'" + name + "' is not one of " + Arrays.toString(LicensingService.values()));
    }

    /** Checks that the current token opens an object, and returns where it starts (for a missing field's message). */
    private JsonLocation objectStart(String at) throws CatalogException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw wrong(at, "expected an object, got " + describe(p.currentToken()));
        }
        return p.currentTokenLocation();
    }

    /**
     * The name of the field at the current token, one of {@code known}, moving on to its value; an unknown field is
     * refused where its name is written.
     */
    private String field(String at, List<String> known) throws IOException, CatalogException {
        String name = p.currentName();
        if (!known.contains(name)) {
            throw wrong(path(at, name), "unknown field; the fields here are " + String.join(", ", known));
        }
        if (p.nextToken() == JsonToken.VALUE_NULL) {
            nulls.put(path(at, name), p.currentTokenLocation());
        }
        return name;
    }

    /** Moves to the next field of the current object; false at its end. */
    private boolean nextField() throws IOException {
        return p.nextToken() == JsonToken.FIELD_NAME;
    }

    private boolean isNull() {
        return p.currentToken() == JsonToken.VALUE_NULL;
    }

    /**
     * The value of a required field: a null is refused where it is written; a missing field where its object starts,
     * but for the document's own fields, whose object is the whole document.
     */
    private <T> T required(String at, String field, T value, JsonLocation object) throws CatalogException {
        if (value == null) {
            String f = path(at, field);
            JsonLocation written = nulls.get(f);
            throw new CatalogException("catalog " + f + ": required, and "
                    + (written != null
                            ? "null" + at(written)
                            : at.isEmpty() ? "missing" : "missing from " + at + at(object)));
        }
        return value;
    }

    private CatalogException wrong(String at, String what) {
        return new CatalogException(
                "catalog " + (at.isEmpty() ? "(document)" : at) + ": " + what + at(p.currentTokenLocation()));
    }

    private static String path(String at, String field) {
        return at.isEmpty() ? field : at + "." + field;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "a whole number";
            case VALUE_NUMBER_FLOAT -> "a number with a fraction";
            case VALUE_TRUE, VALUE_FALSE -> "true or false";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    /**
     * Jackson's reason for a syntax error, with a product key written without its quotes ({@code "gvlk":
     * BCDFG…}, perhaps a MAK pasted there) shown as the agent shows keys, by its last five: Jackson quotes the token it
     * could not read, which is the whole key, or only its first group when the key has its dashes.
     */
    private static String withoutKey(String reason, byte[] text, JsonLocation at) {
        Matcher m = UNRECOGNIZED_TOKEN.matcher(reason);
        if (!m.find()) {
            return reason;
        }
        String token = m.group(1);
        String written = token;
        long start = at == null ? -1 : at.getByteOffset(); // where the token starts, in a byte source
        if (start >= 0 && start < text.length) {
            int end = (int) start;
            while (end < text.length && (text[end] == '-' || Character.isLetterOrDigit(text[end]))) {
                end++;
            }
            String run = new String(text, (int) start, end - (int) start, StandardCharsets.US_ASCII);
            if (run.startsWith(token)) {
                written = run;
            }
        }
        ProductKey key;
        try {
            key = ProductKey.parse(written); // 25 characters of the key alphabet, with or without the dashes
        } catch (IllegalArgumentException notAKey) {
            return reason;
        }
        return reason.substring(0, m.start(1)) + key.masked() + reason.substring(m.end(1));
    }

    private static String at(JsonLocation l) {
        return DocumentBinding.Position.where(l)
                .map(p -> " (" + p.where() + ")")
                .orElse("");
    }
}
