package org.kmsagent.agent.simulate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Writes each lab event as one JSON object on one line, keys always present and in a fixed order (docs/simulate.md,
 * "JSON event schema"); absent values are {@code null}.
 */
final class JsonEventWriter implements Consumer<LabEvent> {
  private final PrintWriter out;
  private final Instant start;
  private final JsonFactory json = new JsonFactory();

  JsonEventWriter(PrintWriter out, Instant start) {
    this.out = out;
    this.start = start;
  }

  @Override
  public void accept(LabEvent e) {
    StringWriter line = new StringWriter(256);
    try (JsonGenerator g = json.createGenerator(line)) {
      g.writeStartObject();
      g.writeStringField("time", e.time().toString());
      g.writeNumberField("minute", Duration.between(start, e.time()).toMinutes());
      g.writeStringField("event", e.event());
      field(g, "machine", e.machine());
      field(g, "family", e.family());
      field(g, "sku", e.sku());
      g.writeFieldName("hresult");
      if (e.hresult().isPresent()) {
        g.writeString(e.hresult().get().hex());
      } else {
        g.writeNull();
      }
      g.writeFieldName("hresultName");
      if (e.hresult().isPresent()) {
        g.writeString(e.hresult().get().name());
      } else {
        g.writeNull();
      }
      field(g, "pool", e.pool());
      g.writeFieldName("count");
      if (e.count().isPresent()) {
        g.writeNumber(e.count().getAsInt());
      } else {
        g.writeNull();
      }
      g.writeFieldName("required");
      if (e.required().isPresent()) {
        g.writeNumber(e.required().getAsInt());
      } else {
        g.writeNull();
      }
      field(g, "host", e.host().orElse(""));
      field(g, "diagnosis", e.diagnosis().map(d -> d.cause().name()).orElse(""));
      field(g, "detail", e.diagnosis().map(d -> d.detail()).orElse(""));
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    out.println(line);
  }

  private static void field(JsonGenerator g, String name, String value) throws IOException {
    g.writeFieldName(name);
    if (value == null || value.isEmpty()) {
      g.writeNull();
    } else {
      g.writeString(value);
    }
  }
}
