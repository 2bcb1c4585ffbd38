package org.kmsagent.agent.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The one java.time type the agent's documents hold, {@link Instant}, as ISO-8601 text ({@code
 * 2026-12-07T17:41:12.123Z}, {@link Instant#toString()}), both ways: the state file, the bus's view records and
 * everything the hub builds from them. It stands in for Jackson's jsr310 module, whose 140 KB and 75 classes
 * (serializers for a dozen types no record holds) the machine agent's {@code lib/} cannot afford (docs/performance.md);
 * the text is the one that module wrote with dates as text, so files written before read the same. A record with
 * another java.time type fails at its first write, in Jackson's words ("Java 8 date/time type … not supported").
 */
public final class InstantJson {
    private InstantJson() {}

    /** A module to register on every mapper that writes or reads the agent's records. */
    public static Module module() {
        return new SimpleModule("kms-agent-instant")
                .addSerializer(Instant.class, new Writer())
                .addDeserializer(Instant.class, new Reader());
    }

    private static final class Writer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }
    }

    private static final class Reader extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            String text = p.getText().trim();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(
                        Instant.class, text, "not an ISO-8601 instant such as 2026-12-07T17:41:12Z");
            }
        }
    }
}
