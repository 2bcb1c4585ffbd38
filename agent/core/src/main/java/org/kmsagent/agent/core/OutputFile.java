package org.kmsagent.agent.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A file a command writes where the user says ({@code simulate --report}, {@code ctl fleet snapshot --out}), checked
 * before the work that fills it: it replaces an earlier file of its own kind, or an empty one, and nothing else. A
 * slip such as {@code --report site.yaml}, one completion away from the scenario's own name, replaced the scenario
 * without a word; so did {@code fleet snapshot --out} any file at all.
 */
public final class OutputFile {
    /** How much of an existing file is read to tell whether it is an earlier one of the kind. */
    private static final int HEAD_BYTES = 256;

    private OutputFile() {}

    /**
     * What a command writes.
     *
     * @param noun what the file is, in the messages ({@code report})
     * @param example a file name to suggest ({@code report.html})
     * @param notOfTheKind why an existing file is not replaced, after "the file exists and is " ({@code neither empty
     *     nor an HTML page (…), so it is no earlier report})
     * @param startsAs whether a file's first characters (a byte-order mark and leading blanks dropped) are those of
     *     the kind
     */
    public record Kind(String noun, String example, String notOfTheKind, Predicate<String> startsAs) {}

    /** Why the file cannot be written: the reason, in words that follow the option and the file's name. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean nameGiven;

        Refused(String reason, boolean nameGiven) {
            super(reason);
            this.nameGiven = nameGiven;
        }

        /** False when no file name was given at all: the message then follows the option alone. */
        public boolean nameGiven() {
            return nameGiven;
        }
    }

    /**
     * The file to write for {@code given}: {@code given}, or the file a link there leads to (the link is kept, its
     * target written).
     *
     * @param option the option that named it, for the suggestion when no name was given ({@code --report})
     * @throws Refused no file name; a directory, a device or anything but a regular file; an existing file that is
     *     not empty and not of the kind, or that is read-only; a folder that does not exist or cannot be written in
     *     (found by creating and deleting a file there, as the writing will)
     */
    public static Path target(String option, Path given, Kind kind) throws Refused {
        if (given.toString().isBlank()) {
            // Path.of("") is the working folder: "is a directory" would answer a question the user did not ask.
            throw new Refused("needs a file name, e.g. " + option + " " + kind.example(), false);
        }
        Path file = given.toAbsolutePath();
        try {
            for (int links = 0; Files.isSymbolicLink(file); links++) {
                if (links == 40) {
                    throw new Refused("too many levels of symbolic links", true);
                }
                // Not normalised: "dir/../x" past a linked folder is the OS's to resolve, not a lexical cut.
                file = file.getParent().resolve(Files.readSymbolicLink(file));
            }
        } catch (IOException e) {
            throw new Refused("cannot follow the link: " + FileReason.of(e), true);
        }
        if (Files.isDirectory(file)) {
            throw new Refused(
                    "is a directory; give the " + kind.noun() + "'s file name, e.g. " + given.resolve(kind.example()),
                    true);
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new Refused("not a regular file; give the path of a file to write", true);
        }
        if (Files.isRegularFile(file) && !emptyOrOfKind(file, kind)) {
            throw new Refused(
                    "the file exists and is " + kind.notOfTheKind()
                            + ": give a new file name, or remove the file first",
                    true);
        }
        // An earlier one made read-only is one to keep: a move into place would replace it regardless.
        Optional<String> readOnly = Files.isRegularFile(file) ? readOnly(file) : Optional.empty();
        if (readOnly.isPresent()) {
            throw new Refused(
                    "the file is " + readOnly.get() + ", so it is not replaced: give another file name, or make it"
                            + " writable first",
                    true);
        }
        Path folder = file.getParent();
        if (!Files.isDirectory(folder)) {
            throw new Refused("directory " + folder + " does not exist", true);
        }
        try {
            Files.delete(Files.createTempFile(folder, "." + kind.noun() + "-", ".tmp"));
        } catch (IOException e) {
            throw new Refused("cannot write in " + folder + ": " + FileReason.of(e), true);
        }
        return file;
    }

    /**
     * How a file is read-only ({@code read-only (r--r--r--)}), or empty when it may be written: one this account may
     * not write, or, for an account that may write any file (root), one whose mode lets no one write it.
     */
    private static Optional<String> readOnly(Path file) {
        String mode = "";
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            mode = " (" + PosixFilePermissions.toString(p) + ")";
            if (!p.contains(PosixFilePermission.OWNER_WRITE)
                    && !p.contains(PosixFilePermission.GROUP_WRITE)
                    && !p.contains(PosixFilePermission.OTHERS_WRITE)) {
                return Optional.of("read-only" + mode);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // No POSIX modes (Windows: isWritable reads the read-only attribute), or none to read: the check below.
        }
        return Files.isWritable(file) ? Optional.empty() : Optional.of("read-only for this account" + mode);
    }

    private static boolean emptyOrOfKind(Path file, Kind kind) throws Refused {
        byte[] head = new byte[HEAD_BYTES];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new Refused("cannot read the file there: " + FileReason.of(e), true);
        }
        String start = new String(head, 0, n, StandardCharsets.UTF_8)
                .replace("\uFEFF", "")
                .stripLeading();
        return start.isEmpty() || kind.startsAs().test(start);
    }
}
