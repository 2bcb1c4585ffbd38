package org.kmsagent.agent.fleet;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's fleet events not yet acknowledged by a hub, kept durably so that none is lost while no hub is
 * reachable or the agent restarts. An append-only file of JSON lines {@code {seq, type, at, data}} (each line forced
 * to disk before {@link #append} returns) plus a small file holding the highest sequence number a hub acknowledged.
 * Sequence numbers start at 1 and never repeat, so a hub can drop what it already has (dedup by agent id and seq).
 *
 * <p>Thread-safe (synchronized). {@link #append} and {@link #acknowledge} do file IO: call them off the event loop;
 * {@link #pending} and {@link #size} only read memory.
 */
public final class Outbox implements AutoCloseable {
  /** Rewrite the log once this many acknowledged bytes sit in front of the first pending event. */
  private static final long COMPACT_BYTES = 1 << 20;

  private final Path log;
  private final Path ackFile;
  private final List<JsonObject> pending = new ArrayList<>();
  private FileChannel channel;
  private long nextSeq;
  private long acked;

  /** Opens (creating if needed) the outbox in the directory; a torn last line from a crash is dropped. */
  public Outbox(Path dir) {
    this.log = dir.resolve("fleet-outbox.jsonl");
    this.ackFile = dir.resolve("fleet-outbox.acked");
    try {
      Files.createDirectories(dir);
      acked = Files.isRegularFile(ackFile) ? Long.parseLong(Files.readString(ackFile).trim()) : 0;
      long last = acked;
      if (Files.isRegularFile(log)) {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          JsonObject e = parse(line);
          if (e == null) {
            continue;
          }
          long seq = e.getLong("seq");
          last = Math.max(last, seq);
          if (seq > acked) {
            pending.add(e);
          }
        }
      }
      nextSeq = last + 1;
      rewrite();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the fleet outbox in " + dir, e);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("fleet outbox: " + ackFile + " does not hold a sequence number", e);
    }
  }

  private static JsonObject parse(String line) {
    if (line.isBlank()) {
      return null;
    }
    try {
      JsonObject e = new JsonObject(line);
      return e.getValue("seq") instanceof Number ? e : null;
    } catch (DecodeException e) {
      return null; // a line torn by a crash while it was written: it was never acknowledged to its producer
    }
  }

  /** Appends an event and forces it to disk; returns it with its sequence number. */
  public synchronized JsonObject append(String type, String at, Object data) {
    JsonObject e = new JsonObject().put("seq", nextSeq).put("type", type).put("at", at).put("data", data);
    try {
      channel.write(ByteBuffer.wrap((e.encode() + "\n").getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot append to the fleet outbox " + log, ex);
    }
    nextSeq++;
    pending.add(e);
    return e;
  }

  /** Up to {@code max} unacknowledged events, oldest first. */
  public synchronized List<JsonObject> pending(int max) {
    return List.copyOf(pending.subList(0, Math.min(max, pending.size())));
  }

  /** How many events wait for a hub. */
  public synchronized int size() {
    return pending.size();
  }

  /** The highest sequence number a hub acknowledged. */
  public synchronized long acknowledged() {
    return acked;
  }

  /** Records that a hub has every event up to {@code seq}; they are dropped from the outbox. */
  public synchronized void acknowledge(long seq) {
    if (seq <= acked) {
      return;
    }
    acked = Math.min(seq, nextSeq - 1);
    pending.removeIf(e -> e.getLong("seq") <= acked);
    try {
      Path tmp = ackFile.resolveSibling(ackFile.getFileName() + ".tmp");
      Files.writeString(tmp, Long.toString(acked));
      Files.move(tmp, ackFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      if (pending.isEmpty() && channel.size() > COMPACT_BYTES) {
        rewrite();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the fleet outbox acknowledgement in " + ackFile, e);
    }
  }

  /**
   * Takes a hub's {@code lastSeq} at registration. Normally it is at most what this outbox wrote, and acknowledges
   * up to it. If it is higher, the fleet view knows this agent from an outbox that is gone (a wiped or restored data
   * directory): the hub would drop new events as already seen, so the pending ones are renumbered after its
   * {@code lastSeq} and numbering goes on from there.
   */
  public synchronized void registered(long hubLastSeq) {
    if (hubLastSeq < nextSeq) {
      acknowledge(hubLastSeq);
      return;
    }
    long seq = hubLastSeq;
    List<JsonObject> renumbered = new ArrayList<>();
    for (JsonObject e : pending) {
      renumbered.add(e.copy().put("seq", ++seq));
    }
    pending.clear();
    pending.addAll(renumbered);
    nextSeq = seq + 1;
    try {
      // The log first: if the process dies between the two writes, the old acknowledgement only re-sends events.
      rewrite();
      acked = hubLastSeq;
      Path tmp = ackFile.resolveSibling(ackFile.getFileName() + ".tmp");
      Files.writeString(tmp, Long.toString(acked));
      Files.move(tmp, ackFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot renumber the fleet outbox " + log, e);
    }
  }

  /** Rewrites the log with only the pending events (dropping acknowledged ones and any torn line). */
  private void rewrite() throws IOException {
    if (channel != null) {
      channel.close();
    }
    Path tmp = log.resolveSibling(log.getFileName() + ".tmp");
    StringBuilder text = new StringBuilder();
    for (JsonObject e : pending) {
      text.append(e.encode()).append('\n');
    }
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    channel = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
