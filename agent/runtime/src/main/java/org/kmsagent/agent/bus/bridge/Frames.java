package org.kmsagent.agent.bus.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** Encodes bridge frames (4-byte big-endian length + UTF-8 JSON) and builds the standard frame shapes. */
public final class Frames {
  private Frames() {}

  public static Buffer encode(JsonObject frame) {
    byte[] data = frame.encode().getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(4 + data.length).appendInt(data.length).appendBytes(data);
  }

  /** A connection-level error, as the stock bridge sends it: {@code {"type":"err","message":...}}. */
  static JsonObject error(String message) {
    return new JsonObject().put("type", "err").put("message", message);
  }

  /** A failed request, addressed to the client's reply address so that its waiting request sees it. */
  static JsonObject failure(String sourceAddress, String replyAddress, int code, String type, String message) {
    return new JsonObject().put("type", "err").put("address", replyAddress).put("sourceAddress", sourceAddress)
        .put("failureCode", code).put("failureType", type).put("message", message);
  }
}
