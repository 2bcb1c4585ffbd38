package org.kmsagent.agent.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.kmsagent.api.LicenseStatus;

/**
 * The licence status names the docs and the dashboard use are the ones the agent prints ({@link LicenseStatus}
 * names, e.g. {@code INITIAL_GRACE}), not Windows' message names ({@code OOB_GRACE} is only part of
 * {@code SL_I_OOB_GRACE_PERIOD}).
 */
class StatusNamesTest {
    private static final Pattern GRACE = Pattern.compile("(?<![A-Z_])([A-Z]+(?:_[A-Z]+)*_GRACE)(?![A-Z_])");

    @Test
    void everyGraceStateNamedIsOneTheAgentPrints() throws Exception {
        Set<String> printed =
                Arrays.stream(LicenseStatus.values()).map(Enum::name).collect(Collectors.toSet());
        List<Path> files = new ArrayList<>();
        try (Stream<Path> docs = Files.list(Path.of("..", "..", "docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(files::add);
        }
        files.add(Path.of("..", "..", "README.md"));
        Path dashboard =
                Path.of("..", "hub", "src", "main", "resources", "org", "kmsagent", "agent", "hub", "dashboard");
        files.add(dashboard.resolve("dashboard.js"));
        files.add(dashboard.resolve("dashboard.css"));
        List<String> unknown = new ArrayList<>();
        for (Path f : files) {
            Matcher m = GRACE.matcher(Files.readString(f));
            while (m.find()) {
                if (!printed.contains(m.group(1))) {
                    unknown.add(f.getFileName() + ": " + m.group(1));
                }
            }
        }
        assertThat(unknown).as("status names the agent never prints").isEmpty();
    }
}
