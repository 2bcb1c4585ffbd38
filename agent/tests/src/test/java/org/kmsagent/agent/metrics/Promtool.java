package org.kmsagent.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prometheus' own checker, which the monitoring tests run on the shipped rules and on scrapes. */
public final class Promtool {
    private Promtool() {}

    /** {@code promtool} on the PATH; the test fails saying how to install it when it is not there. */
    public static String path() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        assertThat((String) null)
                .as("promtool is not installed: .ci/run installs it (Debian package 'prometheus'); "
                        + "locally: apt-get install prometheus")
                .isNotNull();
        throw new AssertionError("unreachable");
    }
}
