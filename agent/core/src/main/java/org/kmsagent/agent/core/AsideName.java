package org.kmsagent.agent.core;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The name a file or folder is moved aside to rather than deleted or overwritten: {@code <name><infix><UTC time>}
 * beside it ({@code state.json.damaged-20261207T200418}, {@code fleet.from-srv-01.20261207T200418}), with {@code -2},
 * {@code -3}… when that name is taken, so that nothing set aside is ever overwritten.
 */
public final class AsideName {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private AsideName() {}

    /** A name beside {@code path} that nothing has yet. */
    public static Path free(Path path, String infix, Clock clock) {
        String base = path.getFileName() + infix + TIME.format(clock.instant());
        Path aside = path.resolveSibling(base);
        for (int n = 2; Files.exists(aside, LinkOption.NOFOLLOW_LINKS); n++) {
            aside = path.resolveSibling(base + "-" + n);
        }
        return aside;
    }
}
