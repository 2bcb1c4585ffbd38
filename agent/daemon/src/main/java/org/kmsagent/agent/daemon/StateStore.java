package org.kmsagent.agent.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;

/**
 * The daemon's state file ({@code <dataDir>/state.json}), written so that a kill at any moment leaves either the old
 * or the new content, never a mix: write a temporary file, fsync it, rename it over the old one, fsync the directory.
 * A file that cannot be read is moved aside (never deleted) and reported, so nothing stored is lost silently.
 *
 * <p>Thread-safe (saves are serialised). Blocking: call off the event loop.
 */
public final class StateStore {
  private final Path file;
  private final Clock clock;
  private final ObjectMapper mapper = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // a newer agent's extra fields are kept readable

  public StateStore(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /**
   * Reads the state; {@link AgentState#empty()} when there is none yet.
   *
   * @throws IOException the file exists but is damaged; it has been moved aside (the message says where)
   */
  public synchronized AgentState load() throws IOException {
    if (!Files.exists(file)) {
      return AgentState.empty();
    }
    try {
      return mapper.readValue(file.toFile(), AgentState.class);
    } catch (IOException e) {
      Path aside = file.resolveSibling(file.getFileName() + ".damaged-"
          + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(clock.instant()));
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      String why = e.getMessage().lines().findFirst().orElse("");
      throw new IOException("state file " + file + " is damaged (" + why + "); moved to " + aside
          + " and starting without stored state", e);
    }
  }

  /** Saves the state with the next revision number, atomically; returns what was saved. */
  public synchronized AgentState save(AgentState state) throws IOException {
    AgentState next = new AgentState(state.revision() + 1, state.products(), state.machine(),
        state.hostSettings());
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    byte[] bytes = mapper.writeValueAsBytes(next);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(dir);
    return next;
  }

  /** Makes the rename itself durable; not possible on every platform (Windows), where the rename is enough. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }
}
