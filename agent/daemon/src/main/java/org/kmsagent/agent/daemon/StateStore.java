package org.kmsagent.agent.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmsagent.agent.core.AsideName;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.DocumentBinding;
import org.kmsagent.agent.core.InstantJson;
import org.kmsagent.agent.core.OwnerOnly;

/**
 * The daemon's state file ({@code <dataDir>/state.json}), written so that a kill at any moment leaves either the old
 * or the new content, never a mix: write a temporary file, fsync it, rename it over the old one, fsync the directory.
 * A file that cannot be read (empty, truncated, garbage, {@code null}) is moved aside, never deleted nor overwritten,
 * and reported, so nothing stored is lost silently; the agent then rebuilds its schedules from the licensing
 * service. Where the file system has POSIX permissions the file is created {@code 0600} (and a directory the store
 * creates {@code 0700}).
 *
 * <p>Thread-safe (saves are serialised). Blocking: call off the event loop.
 */
public final class StateStore {
    private final Path file;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(InstantJson.module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(
                    DeserializationFeature
                            .FAIL_ON_UNKNOWN_PROPERTIES); // a newer agent's extra fields are kept readable

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
        String why;
        Exception cause;
        String what = "is damaged";
        try {
            AgentState read = mapper.readValue(file.toFile(), AgentState.class);
            if (read != null) {
                return read;
            }
            why = "it holds null, not a state";
            cause = null;
        } catch (JsonProcessingException | RuntimeException e) {
            // Empty, truncated, garbage, or JSON of another shape.
            why = damage(e);
            cause = e;
        } catch (IOException e) {
            // Not damage: a file this account may not read (written by another one). Moved aside all the same, since
            // the next save would replace it; what it holds is kept there.
            what = "cannot be read";
            why = damage(e);
            cause = e;
        }
        Path aside = asideName();
        Files.move(file, aside);
        IOException damaged = new IOException("state file " + file + " " + what + " (" + why + "); moved to " + aside
                + "; the schedules are rebuilt from the licensing service's own state");
        if (cause != null) {
            damaged.initCause(cause);
        }
        throw damaged;
    }

    /**
     * The state as saved, for a command that only reads it ({@code status} beside a stopped or running agent): empty
     * when there is none or it cannot be read. Unlike {@link #load()}, a damaged file is left where it is, for the
     * agent to deal with.
     */
    public Optional<AgentState> peek() {
        return look().state();
    }

    /**
     * What a look at the saved state found, for a command that only reads it: the state, or none, and when the file
     * is there but cannot be read, why (readable by an administrator: no Java type names).
     *
     * @param state the state as saved; empty when there is no file or it cannot be read
     * @param damage why the file that is there cannot be read; empty when it could be, or there is none
     * @param exists whether there is a state file at all
     */
    public record Look(Optional<AgentState> state, Optional<String> damage, boolean exists) {}

    /** Like {@link #peek()}, saying also whether the file exists and why it could not be read. */
    public Look look() {
        if (!Files.exists(file)) {
            return new Look(Optional.empty(), Optional.empty(), false);
        }
        try {
            AgentState read = mapper.readValue(file.toFile(), AgentState.class);
            return read == null
                    ? new Look(Optional.empty(), Optional.of("it holds null, not a state"), true)
                    : new Look(Optional.of(read), Optional.empty(), true);
        } catch (IOException | RuntimeException e) {
            return new Look(Optional.empty(), Optional.of(damage(e)), true);
        }
    }

    /** A JSON type in Jackson's message, {@code `java.util.LinkedHashMap<java.lang.String,...ProductSchedule>`}. */
    private static final Pattern JAVA_TYPE = Pattern.compile("`([A-Za-z0-9_.$]+)(<[^`]*>)?`");

    /** Jackson's "(through reference chain: a.b.AgentState["schedules"]->...)". */
    private static final Pattern REFERENCE_CHAIN = Pattern.compile("\\s*\\(through reference chain: ([^)]*)\\)");

    /**
     * Why a state file cannot be read, in an administrator's words: the first line of the parser's message, its
     * Java types named as JSON values ("a mapping", "a list", "product schedule"), the path of fields it stopped at,
     * and its location as "line 1, column 10".
     */
    static String damage(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "access denied to this account"; // its message is the file's name alone
        }
        String first = String.valueOf(e.getMessage())
                .lines()
                .findFirst()
                .orElse(e.getClass().getSimpleName());
        Matcher chain = REFERENCE_CHAIN.matcher(String.valueOf(e.getMessage()).replace('\n', ' '));
        String at = "";
        if (chain.find()) {
            at = " at "
                    + chain.group(1)
                            .replaceAll("[A-Za-z0-9_.$]+\\[\"([^\"]*)\"\\]", "$1")
                            .replace("->", ".");
            first = REFERENCE_CHAIN.matcher(first).replaceAll("");
        }
        Matcher type = JAVA_TYPE.matcher(first);
        StringBuilder out = new StringBuilder();
        while (type.find()) {
            type.appendReplacement(out, Matcher.quoteReplacement(jsonWord(type.group(1))));
        }
        type.appendTail(out);
        // Where the parser stopped: the second line of its message, which the first line above leaves out.
        if (e instanceof JsonProcessingException j) {
            at += DocumentBinding.Position.where(j.getLocation())
                    .map(p -> ", " + p.where())
                    .orElse("");
        }
        return BoundedInput.reason(out + at);
    }

    private static String jsonWord(String javaType) {
        String simple = javaType.substring(javaType.lastIndexOf('.') + 1).replace('$', ' ');
        if (simple.endsWith("Map")) {
            return "a mapping";
        }
        if (simple.endsWith("List") || simple.endsWith("Set") || simple.endsWith("[]")) {
            return "a list";
        }
        return switch (simple) {
            case "String" -> "text";
            case "Integer", "int", "Long", "long", "Double", "double" -> "a number";
            case "Boolean", "boolean" -> "true or false";
            default -> "a " + simple.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        };
    }

    /** {@code state.json.damaged-<UTC time>}, with {@code -2}, {@code -3}… when that name is taken: never overwritten. */
    private Path asideName() {
        return AsideName.free(file, ".damaged-", clock);
    }

    /** Saves the state with the next revision number, atomically; returns what was saved. */
    public synchronized AgentState save(AgentState state) throws IOException {
        AgentState next = new AgentState(state.revision() + 1, state.products(), state.machine(), state.hostSettings());
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            // The state holds the simulated machine's keys and the schedules: the owner's alone (0700 / 0600).
            OwnerOnly.directories(dir);
        }
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        byte[] bytes = mapper.writeValueAsBytes(next);
        Files.deleteIfExists(tmp); // a leftover of a killed save may have other permissions
        try (FileChannel ch = FileChannel.open(
                tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OwnerOnly.fileAttributes(tmp))) {
            ch.write(ByteBuffer.wrap(bytes));
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
