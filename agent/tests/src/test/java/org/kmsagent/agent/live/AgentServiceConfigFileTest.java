package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.windows.eventlog.AgentEventId;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.eventlog.EventLogWriter;
import org.kmsagent.agent.windows.service.ServiceExitCode;
import org.kmsagent.agent.windows.service.ServiceStartException;

/**
 * Which configuration file the Windows service reads is the rule {@code kms-agent run} follows (ConfigFile): a blank
 * {@code KMSAGENT_CONFIG} left in the service's Environment value names no file; an empty argument is refused by name.
 * Each refusal stops the start with the configuration's exit code and an Event Log entry saying where.
 */
class AgentServiceConfigFileTest {
    private final List<List<String>> problems = new ArrayList<>();
    private final AgentEvents events = new AgentEvents(new EventLogWriter() {
        @Override
        public void report(AgentEventId event, List<String> strings) {
            if (event == AgentEventId.CONFIGURATION_PROBLEM) {
                problems.add(List.copyOf(strings));
            }
        }

        @Override
        public boolean isLive() {
            return false;
        }

        @Override
        public long failures() {
            return 0;
        }

        @Override
        public void close() {}
    });

    @Test
    void anEmptyKmsagentConfigNamesNoFile() {
        // Without a file, the defaults and the overrides: the override's mistake is what the service reports.
        AgentService service = new AgentService(Map.of("KMSAGENT_CONFIG", "", "KMSAGENT_BRIDGE_PORT", "70000"));

        ServiceStartException refused = catchThrowableOfType(
                ServiceStartException.class,
                () -> service.create(List.of(), events).start());

        assertThat(refused.exitCode()).isEqualTo(ServiceExitCode.CONFIGURATION);
        assertThat(refused.getMessage())
                .contains("bridge.port: must be 0-65535")
                .doesNotContain("directory");
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.get(0)).isEqualTo("(defaults)"));
    }

    @Test
    void anEmptyArgumentIsRefusedNamingIt() {
        AgentService service = new AgentService(Map.of());

        ServiceStartException refused = catchThrowableOfType(
                ServiceStartException.class,
                () -> service.create(List.of(""), events).start());

        assertThat(refused.exitCode()).isEqualTo(ServiceExitCode.CONFIGURATION);
        assertThat(refused.getMessage())
                .contains("the service's argument: is empty")
                .doesNotContain("directory");
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.get(0)).isEqualTo("the service's argument"));
    }
}
