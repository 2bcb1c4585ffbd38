package org.kmsagent.agent.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files this test process has open, as Linux lists them ({@code /proc/self/fd}, one link per descriptor): how a
 * test sees that plugins were let go of (their jars closed), which on Windows decides whether a jar can be replaced.
 */
public final class OpenFiles {
    private static final Path LISTED = Path.of("/proc/self/fd");

    private OpenFiles() {}

    /** Whether this system lists them (Linux does). */
    public static boolean listed() {
        return Files.isDirectory(LISTED);
    }

    /** The files under {@code dir} this process has open. */
    public static List<Path> under(Path dir) throws IOException {
        Path real = dir.toRealPath();
        try (Stream<Path> fds = Files.list(LISTED)) {
            return fds.flatMap(fd -> {
                        try {
                            return Stream.of(Files.readSymbolicLink(fd));
                        } catch (IOException closedMeanwhile) {
                            return Stream.empty();
                        }
                    })
                    .filter(f -> f.startsWith(real))
                    .toList();
        }
    }
}
