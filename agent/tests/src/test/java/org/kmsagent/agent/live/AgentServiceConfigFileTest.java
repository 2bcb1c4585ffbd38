package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.daemon.RecordingEventLog;
import org.kmsagent.agent.daemon.RecordingEventLog.Written;
import org.kmsagent.agent.windows.eventlog.AgentEventId;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.service.ServiceExitCode;
import org.kmsagent.agent.windows.service.ServiceStartException;

/**
 * Which configuration file the Windows service reads is the rule {@code kms-agent run} follows (ConfigFile): a blank
 * {@code KMSAGENT_CONFIG} left in the service's Environment value names no file; an empty argument is refused by name.
 * Each refusal stops the start with the configuration's exit code and an Event Log entry saying where.
 */
class AgentServiceConfigFileTest {
    private final RecordingEventLog log = new RecordingEventLog();
    private final AgentEvents events = new AgentEvents(log);

    @Test
    void anEmptyKmsagentConfigNamesNoFile() {
        // Without a file, the defaults and the overrides: the override's mistake is what the service reports.
        ServiceStartException refused =
                refusedStart(Map.of("KMSAGENT_CONFIG", "", "KMSAGENT_BRIDGE_PORT", "70000"), List.of());

        assertThat(refused.getMessage()).contains("bridge.port: expected a whole number 0-65535");
        assertReportedIn("(defaults)", refused);
    }

    @Test
    void anEmptyArgumentIsRefusedNamingIt() {
        ServiceStartException refused = refusedStart(Map.of(), List.of(""));

        assertThat(refused.getMessage()).contains("the service's argument: is empty");
        assertReportedIn("the service's argument", refused);
    }

    /** The start refused for its configuration, never for the working directory read as the file. */
    private ServiceStartException refusedStart(Map<String, String> environment, List<String> args) {
        ServiceStartException refused = catchThrowableOfType(
                ServiceStartException.class,
                () -> new AgentService(environment).create(args, events).start());
        assertThat(refused.exitCode()).isEqualTo(ServiceExitCode.CONFIGURATION);
        assertThat(refused.getMessage()).doesNotContain("directory");
        return refused;
    }

    /** One Event Log entry: where the configuration came from, and the problem. */
    private void assertReportedIn(String where, ServiceStartException refused) {
        assertThat(log.written())
                .containsExactly(new Written(AgentEventId.CONFIGURATION_PROBLEM, List.of(where, refused.getMessage())));
    }
}
