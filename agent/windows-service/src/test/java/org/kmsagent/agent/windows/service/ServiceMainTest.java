package org.kmsagent.agent.windows.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kmsagent.agent.windows.advapi.Win32.ERROR_SERVICE_SPECIFIC_ERROR;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_STOP;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_RUNNING;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_START_PENDING;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_STOPPED;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_STOP_PENDING;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.eventlog.EventLogWriter;
import org.kmsagent.agent.windows.testing.Advapi32Double;
import org.kmsagent.agent.windows.testing.Advapi32Double.Event;
import org.kmsagent.agent.windows.testing.Advapi32Double.Status;

/** {@link ServiceMain#host} and {@link ServiceMain#run}: the provider found through ServiceLoader, and what happens without one. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceMainTest {
    private static final ServiceHost.Options OPTIONS = new ServiceHost.Options(
            Duration.ofSeconds(60),
            Duration.ofSeconds(30),
            Duration.ofSeconds(20),
            Duration.ofSeconds(40),
            Duration.ofSeconds(40),
            "test");

    private Advapi32Double dbl;
    private EventLogWriter writer;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        dbl = Advapi32Double.load();
        writer = EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE);
        pool = Executors.newSingleThreadExecutor();
        TestBodyProvider.ARGS.set(null);
        TestBodyProvider.EVENTS.set(null);
        TestBodyProvider.BODY.set(null);
        TestBodyProvider.CREATE_FAILS.set(null);
    }

    @AfterEach
    void tearDown() {
        writer.close();
        pool.shutdownNow();
    }

    /** What ServiceMain.main runs, with the double's advapi32 and a test's class loader. */
    private int runMain(List<String> args, AgentEvents events, ClassLoader loader) {
        return ServiceMain.run(ServiceMain.host(args, dbl.api(), events, "kms-agent", OPTIONS, loader), "kms-agent");
    }

    @Test
    void theProvidersBodyRunsAsTheServiceWithTheLauncherArguments() throws Exception {
        ScriptedBody body = ScriptedBody.quiet();
        TestBodyProvider.BODY.set(body);
        AgentEvents events = new AgentEvents(writer);
        Future<Integer> run = pool.submit(
                () -> runMain(List.of("conf\\agent.yaml"), events, getClass().getClassLoader()));
        dbl.awaitStatus(SERVICE_RUNNING, 0);
        assertThat(TestBodyProvider.ARGS.get()).containsExactly("conf\\agent.yaml");
        assertThat(TestBodyProvider.EVENTS.get()).isSameAs(events);

        dbl.send(SERVICE_CONTROL_STOP);
        assertThat(run.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(dbl.statuses())
                .extracting(Status::state)
                .containsExactly(SERVICE_START_PENDING, SERVICE_RUNNING, SERVICE_STOP_PENDING, SERVICE_STOPPED);
        assertThat(body.starts).hasValue(1);
        assertThat(body.stops).hasValue(1);
    }

    @Test
    void aProviderThatCannotCreateTheBodyFailsTheStartWithItsCode() throws Exception {
        TestBodyProvider.CREATE_FAILS.set(new ServiceStartException(
                ServiceExitCode.CONFIGURATION,
                "C:\\ProgramData\\kms-agent\\agent.yaml does not exist",
                "Create it or pass another path."));
        Future<Integer> run = pool.submit(
                () -> runMain(List.of(), new AgentEvents(writer), getClass().getClassLoader()));
        assertThat(run.get(20, TimeUnit.SECONDS)).isEqualTo(ServiceExitCode.START_FAILED);
        Status last = dbl.statuses().get(dbl.statuses().size() - 1);
        assertThat(last.state()).isEqualTo(SERVICE_STOPPED);
        assertThat(last.win32ExitCode()).isEqualTo(ERROR_SERVICE_SPECIFIC_ERROR);
        assertThat(last.specificExitCode()).isEqualTo(ServiceExitCode.CONFIGURATION);
    }

    @Test
    void withoutAProviderTheServiceFailsToStartWithNoServiceBody() throws Exception {
        ClassLoader empty = new ClassLoader(null) {}; // sees no META-INF/services of ours
        Future<Integer> run = pool.submit(() -> runMain(List.of(), new AgentEvents(writer), empty));
        assertThat(run.get(20, TimeUnit.SECONDS)).isEqualTo(ServiceExitCode.START_FAILED);
        Status last = dbl.statuses().get(dbl.statuses().size() - 1);
        assertThat(last.state()).isEqualTo(SERVICE_STOPPED);
        assertThat(last.specificExitCode())
                .isEqualTo(ServiceExitCode.NO_SERVICE_BODY)
                .isEqualTo(4);
        List<Event> e = dbl.events();
        assertThat(e).extracting(Event::id).containsExactly(1002);
        assertThat(e.get(0).strings().get(0)).isEqualTo("4");
        assertThat(e.get(0).strings().get(1)).contains("ServiceBodyProvider");
        assertThat(e.get(0).strings().get(2)).contains("reinstall");
    }
}
