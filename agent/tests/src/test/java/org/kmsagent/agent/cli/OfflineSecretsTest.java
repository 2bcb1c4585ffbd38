package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that work without the agent read a configuration whose tokens come from variables only the service's
 * environment holds, as the shipped agent.yaml writes them: an administrator's console need not hold the secret.
 */
class OfflineSecretsTest {
    @TempDir
    Path dir;

    @Test
    void statusAndGvlkReadAConfigurationWhoseTokenVariableIsUnsetHere() throws Exception {
        Path config = Files.writeString(
                dir.resolve("agent.yaml"),
                "licensing: simulated\ndataDir: '" + dir.resolve("data") + "'\nbridge:\n  tokens:\n"
                        + "    - {name: ops, token: \"${KMSAGENT_ADMIN_TOKEN}\", role: admin}\n");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (List<String> command : List.of(
                List.of("status", "--config", config.toString()),
                List.of("gvlk", "--config", config.toString(), "Windows 11 Enterprise"))) {
            List<String> args = new ArrayList<>(List.of("--plugins-dir", plugins.toString()));
            args.addAll(command);
            // KMSAGENT_ADMIN_TOKEN is not set here, as in an administrator's console.
            KmsAgentProcess p = KmsAgentProcess.run(Files.createDirectories(dir.resolve(command.get(0))), args);
            // Before: exit 2, "bridge.tokens[0].token: environment variable KMSAGENT_ADMIN_TOKEN is not set".
            assertThat(p.err()).as(command + ":\n" + p.err()).doesNotContain("is not set", "cannot be read");
        }
    }
}
