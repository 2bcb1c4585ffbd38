package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;

/** kmsagent.plugins.load runs code: only a jar directly in the plugins directory may be named. */
class PluginPathTest {
    private static final Path DIR = Path.of("/opt/kms-agent/plugins");

    @Test
    void aNameOrAPathInThePluginsDirectoryIsTakenThere() {
        assertThat(LiveAgent.inPluginsDirectory(DIR, Path.of("office2016.jar")))
                .isEqualTo(DIR.resolve("office2016.jar"));
        assertThat(LiveAgent.inPluginsDirectory(DIR, DIR.resolve("office2016.jar")))
                .isEqualTo(DIR.resolve("office2016.jar"));
    }

    @Test
    void anythingElseIsRefusedNamingTheDirectory() {
        for (String elsewhere : new String[] {
            "/tmp/evil.jar",
            "../evil.jar",
            "/opt/kms-agent/plugins/../evil.jar",
            "sub/evil.jar",
            "/opt/kms-agent/plugins-evil/x.jar"
        }) {
            ControlException e = catchThrowableOfType(
                    ControlException.class, () -> LiveAgent.inPluginsDirectory(DIR, Path.of(elsewhere)));
            assertThat(e).as(elsewhere).isNotNull();
            assertThat(e.code()).isEqualTo(BusCodes.BAD_REQUEST);
            assertThat(e.getMessage()).contains("is not in the plugins directory /opt/kms-agent/plugins");
        }
    }
}
