package org.kmsagent.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.KmsAgentProcess;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * A command other than {@code run} and {@code hub}, as a real child process, logs nothing below WARN on its console
 * (what {@link ResidentLoggingTest} shows of the resident commands' logging, for the others).
 */
class OtherCommandsLoggingIT {
    @TempDir
    Path dir;

    @Test
    void otherCommandsLogNothingBelowWarn() throws Exception {
        Path console = dir.resolve("products.txt");
        // The built plugins, so that the command loads them and lists their products: what it would log is logged.
        Process p = new ProcessBuilder(KmsAgentProcess.command(
                        List.of(),
                        List.of("--plugins-dir", PluginJars.builtPlugins().toString(), "products")))
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(console)).isZero();
        assertThat(Files.readString(console))
                .contains("windows-server  Windows Server")
                .doesNotContain(" INFO ")
                .doesNotContain(" DEBUG ")
                .doesNotContain("logback");
    }
}
