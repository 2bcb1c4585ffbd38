package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.ClassDataArchive;
import org.kmsagent.agent.daemon.RecordingEventLog;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.service.ServiceBody;
import org.kmsagent.agent.windows.service.ServiceStartException;

/**
 * The Windows service host starts the service's first run with a pending class-data archive
 * (kms-agent-service.c, ServiceHostWineIT); the archive is kept at the next start only if the service says here that
 * the agent really started. One written by a start refused for its configuration would hold a fraction of the
 * classes and slow every later start.
 */
class AgentServiceClassDataArchiveTest {
    @TempDir
    Path dir;

    private final AgentEvents events = new AgentEvents(new RecordingEventLog());

    @AfterEach
    void noPendingArchive() {
        System.clearProperty(ClassDataArchive.PENDING_PROPERTY);
    }

    private Path pending() {
        Path pending = dir.resolve("kms-agent-run-17.0.9+9.jsa.pending");
        System.setProperty(ClassDataArchive.PENDING_PROPERTY, pending.toString());
        return pending;
    }

    private Map<String, String> environment(String bridgePort) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        return Map.of(
                "KMSAGENT_DATA_DIR",
                dir.resolve("data").toString(),
                "KMSAGENT_PLUGINS_DIR",
                plugins.toString(),
                "KMSAGENT_LICENSING",
                "simulated",
                "KMSAGENT_BRIDGE_PORT",
                bridgePort);
    }

    @Test
    void aServiceThatStartedMarksThePendingArchiveAsARealRuns() throws Exception {
        Path pending = pending();
        ServiceBody service = new AgentService(environment("0")).create(List.of(), events);
        try {
            service.start();
            assertThat(Path.of(pending + ".real")).exists();
        } finally {
            service.stop(ServiceBody.StopReason.STOP);
        }
    }

    @Test
    void aStartRefusedForItsConfigurationLeavesItUnmarked() throws Exception {
        Path pending = pending();
        ServiceBody service = new AgentService(environment("70000")).create(List.of(), events);

        try {
            assertThatThrownBy(service::start).isInstanceOf(ServiceStartException.class);
        } finally {
            service.stop(ServiceBody.StopReason.STOP); // had it started after all
        }

        assertThat(Path.of(pending + ".real")).doesNotExist();
    }
}
