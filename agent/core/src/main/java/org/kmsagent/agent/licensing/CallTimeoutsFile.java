package org.kmsagent.agent.licensing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.DocumentBinding;
import org.kmsagent.agent.core.OwnerOnly;

/**
 * {@code <dataDir>/licensing-calls.json}: the running agent's {@link CallTimeouts}, rewritten after each call it
 * abandons, so that {@code kms-agent doctor} (another process, which may run while the agent is down) can say how
 * many licensing calls timed out, which, and when the last did. It holds no secret.
 */
public final class CallTimeoutsFile {
    /** Its name in the data directory. */
    public static final String NAME = "licensing-calls.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A real file is a few hundred bytes. */
    private static final int MAX_BYTES = 64 * 1024;

    private CallTimeoutsFile() {}

    /**
     * Replaces the record (atomically where the file system can). One write at a time: calls time out on the threads
     * that made them, several at once when the service hangs, and each write goes through the one temporary file.
     */
    public static synchronized void write(Path dataDir, CallTimeouts t) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("since", t.since().toString());
        doc.put("deadline", t.deadline().toString());
        doc.put("activationDeadline", t.activationDeadline().toString());
        doc.put("timedOut", t.timedOut());
        doc.put("stillHung", t.stillHung());
        doc.put("byCall", t.byCall());
        doc.put("lastCall", t.lastCall().orElse(null));
        doc.put("lastAt", t.lastAt().map(Instant::toString).orElse(null));
        Path file = dataDir.resolve(NAME);
        Path tmp = dataDir.resolve(NAME + ".tmp");
        OwnerOnly.freshFile(tmp);
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The record exists but cannot be the agent's: the message names the file and says why, on one line. */
    public static final class DamagedException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedException(Path file, String why, Throwable cause) {
            super(file + " is damaged (" + why + ")", cause);
        }
    }

    /**
     * The record in {@code dataDir}; empty when there is none (no call timed out since the agent last started
     * writing, or another data directory).
     *
     * @throws DamagedException it is not a record the agent writes: empty, not UTF-8, too large, not JSON (with the
     *     line and column), or JSON of another shape
     * @throws IOException it exists but cannot be read
     */
    public static Optional<CallTimeouts> read(Path dataDir) throws IOException {
        Path file = dataDir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text;
        try {
            text = BoundedInput.readText(file, MAX_BYTES);
        } catch (FileSystemException e) {
            throw e; // cannot be read (permissions, say): not damage
        } catch (IOException e) {
            throw new DamagedException(file, e.getMessage(), e); // not UTF-8, or too large
        }
        if (text.isBlank()) {
            throw new DamagedException(file, "empty", null);
        }
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DamagedException(
                    file,
                    DocumentBinding.Position.where(e.getLocation())
                                    .map(p -> p.where() + ": ")
                                    .orElse("")
                            + "not JSON",
                    e);
        }
        try {
            Map<String, Long> byCall = new LinkedHashMap<>();
            n.path("byCall")
                    .fields()
                    .forEachRemaining(e -> byCall.put(e.getKey(), e.getValue().asLong()));
            return Optional.of(new CallTimeouts(
                    Instant.parse(n.path("since").asText()),
                    Duration.parse(n.path("deadline").asText()),
                    Duration.parse(n.path("activationDeadline").asText()),
                    n.path("timedOut").asLong(),
                    n.path("stillHung").asInt(),
                    byCall,
                    Optional.ofNullable(n.path("lastCall").textValue()),
                    Optional.ofNullable(n.path("lastAt").textValue()).map(Instant::parse)));
        } catch (RuntimeException e) {
            throw new DamagedException(file, "JSON, but not a record of licensing-call timeouts", e);
        }
    }
}
