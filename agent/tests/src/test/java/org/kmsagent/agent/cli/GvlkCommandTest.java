package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kms-agent gvlk} refusing what is no edition name (ProductsCommandIT runs it over the built plugins). */
class GvlkCommandTest {
    @TempDir
    Path plugins;

    @Test
    void anEmptyOrBlankEditionIsAUsageErrorThatSaysSoAndWhereTheEditionsAreListed() {
        for (String edition : new String[] {"", "   "}) {
            CliRun run = CliRun.of("gvlk", "--plugins-dir", plugins.toString(), edition);

            assertThat(run.exitCode()).as("'" + edition + "'").isEqualTo(2);
            assertThat(run.out()).isEmpty();
            assertThat(run.err())
                    .isEqualTo("kms-agent: the edition name is empty; give one, e.g. 'kms-agent gvlk \"Windows 11"
                            + " Enterprise\"'; see 'kms-agent products --family ID' for the editions"
                            + System.lineSeparator());
        }
    }
}
