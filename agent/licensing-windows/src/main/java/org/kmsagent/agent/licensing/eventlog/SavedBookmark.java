package org.kmsagent.agent.licensing.eventlog;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the watcher stopped reading: the Event Log's own bookmark XML plus a digest of the event it names, so that
 * another event reusing its record id in a cleared and refilled log is not taken for it. Kept in one file in the
 * data directory, replaced atomically.
 *
 * @param bookmarkXml the bookmark as {@code EvtRender} wrote it
 * @param recordId the bookmarked event's record id (-1 if unreadable; for messages)
 * @param digest SHA-256 of the bookmarked event's XML, hex
 */
public record SavedBookmark(String bookmarkXml, long recordId, String digest) {

    /** The SHA-256 of an event's XML, in hex. */
    public static String digest(String eventXml) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(eventXml.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The bookmark saved in {@code file}, if any. */
    public static Optional<SavedBookmark> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            return Optional.of(new SavedBookmark(
                    require(p, "bookmark", file),
                    Long.parseLong(require(p, "recordId", file)),
                    require(p, "digest", file)));
        } catch (NumberFormatException e) {
            throw new IOException(
                    file + ": unreadable event log bookmark (" + e.getMessage() + "); delete it to read the"
                            + " log again from its oldest event (events already stored are not stored twice)");
        }
    }

    private static String require(Properties p, String key, Path file) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException(file + ": event log bookmark without '" + key + "'; delete it to read the log again"
                    + " from its oldest event (events already stored are not stored twice)");
        }
        return v;
    }

    /** Writes this bookmark to {@code file} (a temporary file moved over it). */
    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("bookmark", bookmarkXml);
        p.setProperty("recordId", Long.toString(recordId));
        p.setProperty("digest", digest);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "kms-agent: where the Key Management Service event log was last read");
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
