package org.kmsagent.agent.windows.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kmsagent.agent.windows.advapi.Win32.ERROR_CALL_NOT_IMPLEMENTED;
import static org.kmsagent.agent.windows.advapi.Win32.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT;
import static org.kmsagent.agent.windows.advapi.Win32.ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
import static org.kmsagent.agent.windows.advapi.Win32.ERROR_SERVICE_SPECIFIC_ERROR;
import static org.kmsagent.agent.windows.advapi.Win32.NO_ERROR;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_INTERROGATE;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_PARAMCHANGE;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_PAUSE;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_PRESHUTDOWN;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_SHUTDOWN;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_STOP;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_RUNNING;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_START_PENDING;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_STOPPED;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_STOP_PENDING;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_WIN32_OWN_PROCESS;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kmsagent.agent.windows.eventlog.AgentEventId;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.eventlog.EventLogWriter;
import org.kmsagent.agent.windows.eventlog.EventType;
import org.kmsagent.agent.windows.service.ServiceBody.StopReason;
import org.kmsagent.agent.windows.testing.Advapi32Double;
import org.kmsagent.agent.windows.testing.Advapi32Double.Event;
import org.kmsagent.agent.windows.testing.Advapi32Double.Status;

/** {@link ServiceHost} against the gcc-built Advapi32 double: the SCM's side of start, stop and failures. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceHostTest {
    private static final long WAIT_S = 20;
    /** Long wait hints, a heartbeat that cannot fire during a test unless the test waits for it. */
    private static final ServiceHost.Options SLOW_BEAT = new ServiceHost.Options(
            Duration.ofSeconds(60),
            Duration.ofSeconds(30),
            Duration.ofSeconds(20),
            Duration.ofSeconds(40),
            Duration.ofSeconds(40),
            "9.9.9-test");
    /** A heartbeat every 5 ms, for the tests that watch checkpoints rise. */
    private static final ServiceHost.Options FAST_BEAT = SLOW_BEAT.withHeartbeat(Duration.ofMillis(5));

    private Advapi32Double dbl;
    private EventLogWriter writer;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        dbl = Advapi32Double.load();
        writer = EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE);
        pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "test-service-dispatcher");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void tearDown() {
        if (writer != null) {
            writer.close();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
        if (dbl != null) {
            assertThat(dbl.control().double_status_after_stopped())
                    .as("SetServiceStatus after SERVICE_STOPPED")
                    .isZero();
            assertThat(dbl.control().double_bad_handles())
                    .as("calls with a handle the double never gave")
                    .isZero();
        }
    }

    private ServiceHost host;

    private Future<Integer> runHost(ServiceBody body, ServiceHost.Options options) {
        host = new ServiceHost(dbl.api(), "kms-agent", body, new AgentEvents(writer), options);
        return pool.submit(host::run);
    }

    private static int exitOf(Future<Integer> f) throws Exception {
        return f.get(WAIT_S, TimeUnit.SECONDS);
    }

    private List<Integer> states() {
        return dbl.statuses().stream().map(Status::state).toList();
    }

    @Test
    void startReportsStartPendingThenRunningWithStopShutdownAndPreshutdownAccepted() throws Exception {
        ScriptedBody body = ScriptedBody.quiet();
        Future<Integer> run = runHost(body, SLOW_BEAT);
        dbl.awaitStatus(SERVICE_RUNNING, 0);

        List<Status> s = dbl.statuses();
        assertThat(s).hasSize(2);
        assertThat(s.get(0))
                .isEqualTo(new Status(SERVICE_WIN32_OWN_PROCESS, SERVICE_START_PENDING, 0, 0, 0, 1, 60_000));
        // What the SCM is told the service accepts: STOP (0x1), SHUTDOWN (0x4) and PRESHUTDOWN (0x100), winsvc.h's.
        assertThat(s.get(1))
                .isEqualTo(new Status(SERVICE_WIN32_OWN_PROCESS, SERVICE_RUNNING, 0x1 | 0x4 | 0x100, 0, 0, 0, 0));
        assertThat(dbl.tableName()).isEqualTo("kms-agent");
        assertThat(dbl.handlerName()).isEqualTo("kms-agent");
        assertThat(body.starts).hasValue(1);
        assertThat(body.stops).hasValue(0);

        List<Event> e = dbl.events();
        assertThat(e).hasSize(1);
        assertThat(e.get(0).id()).isEqualTo(1000);
        assertThat(e.get(0).type()).isEqualTo(EventType.INFORMATION.code());
        assertThat(e.get(0).strings()).hasSize(3);
        assertThat(e.get(0).strings().get(0)).isEqualTo("9.9.9-test");
        assertThat(e.get(0).strings().get(1)).contains(System.getProperty("java.version"));
        assertThat(e.get(0).strings().get(2))
                .isEqualTo(Long.toString(ProcessHandle.current().pid()));

        assertThat(dbl.send(SERVICE_CONTROL_STOP)).isEqualTo(NO_ERROR);
        assertThat(exitOf(run)).isZero();
    }

    @Test
    void stopReportsStopPendingThenStoppedWithExitCodeZeroAndStopsTheBodyOnce() throws Exception {
        ScriptedBody body = ScriptedBody.quiet();
        Future<Integer> run = runHost(body, SLOW_BEAT);
        dbl.awaitStatus(SERVICE_RUNNING, 0);

        assertThat(dbl.send(SERVICE_CONTROL_STOP)).isEqualTo(NO_ERROR);
        assertThat(exitOf(run)).isZero();
        assertThat(host.gaveUp()).isFalse();

        assertThat(states())
                .containsExactly(SERVICE_START_PENDING, SERVICE_RUNNING, SERVICE_STOP_PENDING, SERVICE_STOPPED);
        List<Status> s = dbl.statuses();
        assertThat(s.get(2)).isEqualTo(new Status(SERVICE_WIN32_OWN_PROCESS, SERVICE_STOP_PENDING, 0, 0, 0, 1, 30_000));
        assertThat(s.get(3)).isEqualTo(new Status(SERVICE_WIN32_OWN_PROCESS, SERVICE_STOPPED, 0, 0, 0, 0, 0));
        assertThat(body.stops).hasValue(1);
        assertThat(body.reason).hasValue(StopReason.STOP);

        List<Event> e = dbl.events();
        assertThat(e).extracting(Event::id).containsExactly(1000, 1001);
        assertThat(e.get(1).type()).isEqualTo(EventType.INFORMATION.code());
        assertThat(e.get(1).strings()).hasSize(2);
        assertThat(e.get(1).strings().get(0)).isEqualTo("stop requested");
        assertThat(Duration.parse(e.get(1).strings().get(1)).isNegative()).isFalse();
    }

    @Test
    void checkpointsRiseWhileTheBodyStops() throws Exception {
        Advapi32Double d = dbl;
        // The body returns only once the SCM has seen the third STOP_PENDING checkpoint.
        ScriptedBody body = new ScriptedBody(() -> {}, () -> d.awaitStatus(SERVICE_STOP_PENDING, 3));
        Future<Integer> run = runHost(body, FAST_BEAT);
        dbl.awaitStatus(SERVICE_RUNNING, 0);
        assertThat(dbl.send(SERVICE_CONTROL_STOP)).isEqualTo(NO_ERROR);
        assertThat(exitOf(run)).isZero();

        List<Status> pending = dbl.statuses().stream()
                .filter(s -> s.state() == SERVICE_STOP_PENDING)
                .toList();
        assertThat(pending.size()).isGreaterThanOrEqualTo(3);
        for (int i = 0; i < pending.size(); i++) {
            assertThat(pending.get(i).checkpoint()).isEqualTo(i + 1);
            assertThat(pending.get(i).waitHint()).isEqualTo(30_000);
            assertThat(pending.get(i).accepted()).isZero();
        }
        assertThat(dbl.statuses().get(dbl.statuses().size() - 1).state()).isEqualTo(SERVICE_STOPPED);
    }

    @Test
    void checkpointsRiseWhileTheBodyStarts() throws Exception {
        Advapi32Double d = dbl;
        ScriptedBody body = new ScriptedBody(() -> d.awaitStatus(SERVICE_START_PENDING, 3), () -> {});
        Future<Integer> run = runHost(body, FAST_BEAT);
        dbl.awaitStatus(SERVICE_RUNNING, 0);

        List<Status> pending = dbl.statuses().stream()
                .filter(s -> s.state() == SERVICE_START_PENDING)
                .toList();
        assertThat(pending).extracting(Status::checkpoint).startsWith(1, 2, 3);
        assertThat(pending).allSatisfy(s -> assertThat(s.waitHint()).isEqualTo(60_000));
        // No START_PENDING after RUNNING: the heartbeat stopped with the start.
        List<Integer> states = states();
        assertThat(states.subList(states.indexOf(SERVICE_RUNNING), states.size()))
                .doesNotContain(SERVICE_START_PENDING);

        dbl.send(SERVICE_CONTROL_STOP);
        assertThat(exitOf(run)).isZero();
    }

    @Test
    void preshutdownStopsLikeStopAndAShutdownThatFollowsIsAcceptedWithoutASecondStop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedBody body = new ScriptedBody(() -> {}, () -> release.await(WAIT_S, TimeUnit.SECONDS));
        Future<Integer> run = runHost(body, SLOW_BEAT);
        dbl.awaitStatus(SERVICE_RUNNING, 0);

        assertThat(dbl.send(SERVICE_CONTROL_PRESHUTDOWN)).isEqualTo(NO_ERROR);
        assertThat(body.stopEntered.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        assertThat(dbl.send(SERVICE_CONTROL_SHUTDOWN)).isEqualTo(NO_ERROR); // while stopping: nothing more to do
        release.countDown();
        assertThat(exitOf(run)).isZero();

        assertThat(states())
                .containsExactly(SERVICE_START_PENDING, SERVICE_RUNNING, SERVICE_STOP_PENDING, SERVICE_STOPPED);
        assertThat(body.stops).hasValue(1);
        assertThat(body.reason).hasValue(StopReason.PRESHUTDOWN);
        assertThat(dbl.events()).extracting(Event::id).containsExactly(1000, 1001);
        assertThat(dbl.events().get(1).strings().get(0)).isEqualTo("system preshutdown");
    }

    @Test
    void shutdownStopsLikeStop() throws Exception {
        ScriptedBody body = ScriptedBody.quiet();
        Future<Integer> run = runHost(body, SLOW_BEAT);
        dbl.awaitStatus(SERVICE_RUNNING, 0);

        assertThat(dbl.send(SERVICE_CONTROL_SHUTDOWN)).isEqualTo(NO_ERROR);
        assertThat(exitOf(run)).isZero();

        assertThat(states())
                .containsExactly(SERVICE_START_PENDING, SERVICE_RUNNING, SERVICE_STOP_PENDING, SERVICE_STOPPED);
        assertThat(dbl.statuses().get(3).win32ExitCode()).isZero();
        assertThat(body.stops).hasValue(1);
        assertThat(body.reason).hasValue(StopReason.SHUTDOWN);
        assertThat(dbl.events().get(1).strings().get(0)).isEqualTo("system shutdown");
    }

    @Test
    void interrogateIsAnsweredAndControlsNotAcceptedAreNotImplemented() throws Exception {
        ScriptedBody body = ScriptedBody.quiet();
        Future<Integer> run = runHost(body, SLOW_BEAT);
        dbl.awaitStatus(SERVICE_RUNNING, 0);

        assertThat(dbl.send(SERVICE_CONTROL_INTERROGATE)).isEqualTo(NO_ERROR);
        assertThat(dbl.send(SERVICE_CONTROL_PAUSE)).isEqualTo(ERROR_CALL_NOT_IMPLEMENTED);
        assertThat(dbl.send(SERVICE_CONTROL_PARAMCHANGE)).isEqualTo(ERROR_CALL_NOT_IMPLEMENTED);
        assertThat(states()).containsExactly(SERVICE_START_PENDING, SERVICE_RUNNING); // none changed the state

        dbl.send(SERVICE_CONTROL_STOP);
        assertThat(exitOf(run)).isZero();
        assertThat(body.stops).hasValue(1);
    }

    @Test
    void aStopWhileStartingIsRefusedWithCannotAcceptControl() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedBody body = new ScriptedBody(() -> release.await(WAIT_S, TimeUnit.SECONDS), () -> {});
        Future<Integer> run = runHost(body, SLOW_BEAT);
        dbl.awaitStatus(SERVICE_START_PENDING, 1);

        assertThat(dbl.send(SERVICE_CONTROL_STOP)).isEqualTo(ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        release.countDown();
        dbl.awaitStatus(SERVICE_RUNNING, 0);
        assertThat(body.stops).hasValue(0);

        dbl.send(SERVICE_CONTROL_STOP);
        assertThat(exitOf(run)).isZero();
    }

    @Test
    void aStopThatOutlastsItsLimitIsReportedAsAFailedStopAndTheHostReturnsWithoutWaitingForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stopReturned = new CountDownLatch(1);
        ScriptedBody body = new ScriptedBody(() -> {}, () -> {
            release.await(WAIT_S, TimeUnit.SECONDS); // a daemon whose stop hangs
            stopReturned.countDown();
        });
        Future<Integer> run = runHost(body, SLOW_BEAT.withLimits(Duration.ofSeconds(40), Duration.ofMillis(300)));
        dbl.awaitStatus(SERVICE_RUNNING, 0);
        assertThat(dbl.send(SERVICE_CONTROL_STOP)).isEqualTo(NO_ERROR);

        // The dispatcher returns while the body still hangs: the process can end.
        assertThat(exitOf(run)).isEqualTo(ServiceExitCode.STOP_FAILED);
        assertThat(stopReturned.getCount()).isEqualTo(1);
        assertThat(host.gaveUp())
                .as("ServiceMain then halts: no shutdown hook may wait on what hangs")
                .isTrue();
        assertThat(states())
                .containsExactly(SERVICE_START_PENDING, SERVICE_RUNNING, SERVICE_STOP_PENDING, SERVICE_STOPPED);
        Status stopped = dbl.statuses().get(3);
        assertThat(stopped.win32ExitCode()).isEqualTo(ERROR_SERVICE_SPECIFIC_ERROR);
        assertThat(stopped.specificExitCode()).isEqualTo(ServiceExitCode.STOP_FAILED);
        List<Event> e = dbl.events();
        assertThat(e).extracting(Event::id).containsExactly(1000, AgentEventId.SERVICE_STOP_FAILED.id());
        assertThat(e.get(1).strings())
                .containsExactly("stop requested", "the agent did not stop within 300 ms; its process was ended");

        // The hung stop finishing later reports nothing more (tearDown checks no status follows STOPPED).
        release.countDown();
        assertThat(stopReturned.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        assertThat(dbl.events()).hasSize(2);
        assertThat(body.stops).hasValue(1);
    }

    @Test
    void aStartThatOutlastsItsLimitIsReportedAsAFailedStartAndTheHostReturnsWithoutWaitingForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch startReturned = new CountDownLatch(1);
        ScriptedBody body = new ScriptedBody(
                () -> {
                    release.await(WAIT_S, TimeUnit.SECONDS); // say, a licensing service that never answers
                    startReturned.countDown();
                },
                () -> {});
        Future<Integer> run = runHost(body, SLOW_BEAT.withLimits(Duration.ofMillis(300), Duration.ofSeconds(40)));

        assertThat(exitOf(run)).isEqualTo(ServiceExitCode.START_FAILED);
        assertThat(startReturned.getCount()).isEqualTo(1);
        assertThat(host.gaveUp()).isTrue();
        assertThat(states()).containsExactly(SERVICE_START_PENDING, SERVICE_STOPPED);
        Status stopped = dbl.statuses().get(1);
        assertThat(stopped.win32ExitCode()).isEqualTo(ERROR_SERVICE_SPECIFIC_ERROR);
        assertThat(stopped.specificExitCode()).isEqualTo(ServiceExitCode.START_FAILED);
        List<Event> e = dbl.events();
        assertThat(e).extracting(Event::id).containsExactly(AgentEventId.SERVICE_START_FAILED.id());
        assertThat(e.get(0).strings().subList(0, 2)).containsExactly("1", "the agent did not start within 300 ms");
        assertThat(e.get(0).strings().get(2)).contains("agent's log");

        // A start that ends after its limit neither reports RUNNING nor writes AGENT_STARTED.
        release.countDown();
        assertThat(startReturned.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        assertThat(dbl.events()).hasSize(1);
        assertThat(states()).containsExactly(SERVICE_START_PENDING, SERVICE_STOPPED);
    }

    @Test
    void aCrashOnStartIsReportedToTheScmAsAServiceSpecificErrorAndToTheEventLog() throws Exception {
        ScriptedBody body = new ScriptedBody(
                () -> {
                    throw new IllegalStateException("ledger locked by another process");
                },
                () -> {});
        Future<Integer> run = runHost(body, SLOW_BEAT);

        assertThat(exitOf(run)).isEqualTo(ServiceExitCode.START_FAILED);
        assertThat(states()).containsExactly(SERVICE_START_PENDING, SERVICE_STOPPED);
        Status stopped = dbl.statuses().get(1);
        assertThat(stopped.win32ExitCode())
                .isEqualTo(ERROR_SERVICE_SPECIFIC_ERROR)
                .isEqualTo(1066);
        assertThat(stopped.specificExitCode()).isEqualTo(ServiceExitCode.START_FAILED);
        assertThat(stopped.accepted()).isZero();
        assertThat(body.stops).hasValue(0);

        List<Event> e = dbl.events();
        assertThat(e).hasSize(1);
        assertThat(e.get(0).id())
                .isEqualTo(AgentEventId.SERVICE_START_FAILED.id())
                .isEqualTo(1002);
        assertThat(e.get(0).type()).isEqualTo(EventType.ERROR.code()).isEqualTo(1);
        assertThat(e.get(0).strings()).hasSize(3);
        assertThat(e.get(0).strings().get(0)).isEqualTo("1");
        assertThat(e.get(0).strings().get(1))
                .isEqualTo("java.lang.IllegalStateException: ledger locked by another process");
        assertThat(e.get(0).strings().get(2)).contains("kms-agent doctor");
    }

    @Test
    void anErrorThrownByStartIsACrashReportedTheSameWay() throws Exception {
        ScriptedBody body = new ScriptedBody(
                () -> {
                    throw new UnsatisfiedLinkError("Unable to load library 'slc'");
                },
                () -> {});
        Future<Integer> run = runHost(body, SLOW_BEAT);

        assertThat(exitOf(run)).isEqualTo(ServiceExitCode.START_FAILED);
        Status stopped = dbl.statuses().get(dbl.statuses().size() - 1);
        assertThat(stopped.state()).isEqualTo(SERVICE_STOPPED);
        assertThat(stopped.win32ExitCode()).isEqualTo(ERROR_SERVICE_SPECIFIC_ERROR);
        assertThat(stopped.specificExitCode()).isEqualTo(ServiceExitCode.START_FAILED);
        assertThat(dbl.events().get(0).strings().get(1)).contains("UnsatisfiedLinkError", "slc");
    }

    @Test
    void aServiceStartExceptionChoosesTheServiceSpecificCodeAndTheAdvice() throws Exception {
        ScriptedBody body = new ScriptedBody(
                () -> {
                    throw new ServiceStartException(
                            ServiceExitCode.CONFIGURATION,
                            "conf\\agent.yaml: renewal.interval: not a" + " duration",
                            "Correct conf\\agent.yaml and start the service again.");
                },
                () -> {});
        Future<Integer> run = runHost(body, SLOW_BEAT);

        assertThat(exitOf(run)).isEqualTo(ServiceExitCode.START_FAILED);
        Status stopped = dbl.statuses().get(1);
        assertThat(stopped.win32ExitCode()).isEqualTo(ERROR_SERVICE_SPECIFIC_ERROR);
        assertThat(stopped.specificExitCode()).isEqualTo(2);
        assertThat(dbl.events().get(0).strings())
                .containsExactly(
                        "2",
                        "conf\\agent.yaml: renewal.interval: not a duration",
                        "Correct conf\\agent.yaml and start the service again.");
    }

    @Test
    void aFailedStopStillReportsStoppedWithTheStopFailedCodeAndAWarning() throws Exception {
        ScriptedBody body = new ScriptedBody(() -> {}, () -> {
            throw new IOException("state file is read-only");
        });
        Future<Integer> run = runHost(body, SLOW_BEAT);
        dbl.awaitStatus(SERVICE_RUNNING, 0);
        dbl.send(SERVICE_CONTROL_STOP);

        assertThat(exitOf(run)).isEqualTo(ServiceExitCode.STOP_FAILED);
        Status stopped = dbl.statuses().get(dbl.statuses().size() - 1);
        assertThat(stopped.state()).isEqualTo(SERVICE_STOPPED);
        assertThat(stopped.win32ExitCode()).isEqualTo(ERROR_SERVICE_SPECIFIC_ERROR);
        assertThat(stopped.specificExitCode()).isEqualTo(ServiceExitCode.STOP_FAILED);
        List<Event> e = dbl.events();
        assertThat(e).extracting(Event::id).containsExactly(1000, 1003);
        assertThat(e.get(1).type()).isEqualTo(EventType.WARNING.code());
        assertThat(e.get(1).strings())
                .containsExactly("stop requested", "java.io.IOException: state file is read-only");
    }

    @Test
    void runFromAConsoleTheDispatcherRefusesAndNothingIsReported() throws Exception {
        dbl.control().double_set_error("StartServiceCtrlDispatcherW", ERROR_FAILED_SERVICE_CONTROLLER_CONNECT);
        ScriptedBody body = ScriptedBody.quiet();
        ServiceHost host = new ServiceHost(dbl.api(), "kms-agent", body, new AgentEvents(writer), SLOW_BEAT);

        assertThat(host.run()).isEqualTo(ServiceExitCode.PROCESS_NOT_A_SERVICE);
        assertThat(host.dispatcherError()).isEqualTo(1063);
        assertThat(body.starts).hasValue(0);
        assertThat(dbl.statuses()).isEmpty();
    }

    @Test
    void optionsRejectAHeartbeatNoShorterThanTheWaitHints() {
        Assertions.assertThatThrownBy(() -> SLOW_BEAT.withHeartbeat(Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ServiceHost.Options.defaults().startWaitHint()).isEqualTo(Duration.ofSeconds(60));
    }
}
