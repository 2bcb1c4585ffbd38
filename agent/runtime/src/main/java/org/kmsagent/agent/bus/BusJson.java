package org.kmsagent.agent.bus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.kmsagent.agent.core.InstantJson;

/** Converts view records to Vert.x JSON at the bus boundary: times as ISO-8601 text, absent values as null. */
public final class BusJson {
    // Optional values are the hub's records' only (its forecasts): their module, jackson-datatype-jdk8, ships with the
    // full install alone and is registered where the class path has it, found as Jackson finds modules. The machine
    // agent's records hold none, and its lib/ is 36 KB smaller for it (docs/performance.md).
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(InstantJson.module())
            .registerModules(ObjectMapper.findModules(BusJson.class.getClassLoader()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private BusJson() {}

    /** A record as a JSON object. */
    @SuppressWarnings("unchecked")
    public static JsonObject object(Object value) {
        return new JsonObject(MAPPER.convertValue(value, Map.class));
    }

    /** A list of records as a JSON array. */
    public static JsonArray array(List<?> values) {
        return new JsonArray(MAPPER.convertValue(values, List.class));
    }

    /** Any value as what JsonObject can hold (a record becomes a JsonObject, a list a JsonArray). */
    static Object value(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> l) {
            return array(l);
        }
        if (value instanceof String
                || value instanceof Number
                || value instanceof Boolean
                || value instanceof JsonObject) {
            return value;
        }
        return object(value);
    }
}
