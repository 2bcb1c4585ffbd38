package org.kmsagent.agent.windows.service;

import static org.kmsagent.agent.windows.advapi.Win32.ERROR_CALL_NOT_IMPLEMENTED;
import static org.kmsagent.agent.windows.advapi.Win32.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT;
import static org.kmsagent.agent.windows.advapi.Win32.ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
import static org.kmsagent.agent.windows.advapi.Win32.ERROR_SERVICE_SPECIFIC_ERROR;
import static org.kmsagent.agent.windows.advapi.Win32.NO_ERROR;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_ACCEPT_PRESHUTDOWN;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_ACCEPT_SHUTDOWN;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_ACCEPT_STOP;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_INTERROGATE;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_PRESHUTDOWN;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_SHUTDOWN;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_CONTROL_STOP;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_RUNNING;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_START_PENDING;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_STOPPED;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_STOP_PENDING;
import static org.kmsagent.agent.windows.advapi.Win32.SERVICE_WIN32_OWN_PROCESS;

import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.windows.advapi.Advapi32Service;
import org.kmsagent.agent.windows.advapi.Advapi32Utf16;
import org.kmsagent.agent.windows.advapi.Win32;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.service.ServiceBody.StopReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link ServiceBody} as a Windows service of its own process ({@code SERVICE_WIN32_OWN_PROCESS}), speaking
 * to the Service Control Manager through {@link Advapi32Service}.
 *
 * <p>{@link #run} calls {@code StartServiceCtrlDispatcherW}, which blocks the calling thread for the service's whole
 * life: the SCM then calls ServiceMain on a thread of its own, and the control handler on the calling thread.
 * <ol>
 *   <li>ServiceMain registers the handler ({@code RegisterServiceCtrlHandlerExW}), reports START_PENDING with a wait
 *       hint and rising checkpoints while {@link ServiceBody#start} runs, then RUNNING, accepting STOP, SHUTDOWN and
 *       PRESHUTDOWN. If {@code start} throws, it reports STOPPED with {@code ERROR_SERVICE_SPECIFIC_ERROR} and the
 *       service-specific code, and writes SERVICE_START_FAILED to the Event Log.</li>
 *   <li>On STOP, SHUTDOWN or PRESHUTDOWN the handler reports STOP_PENDING and returns at once (the SCM allows a
 *       handler 30 seconds); a thread of the host runs {@link ServiceBody#stop} while checkpoints keep rising, then
 *       reports STOPPED with exit code 0. INTERROGATE answers NO_ERROR; other controls (pause, continue, ...) are
 *       refused with ERROR_CALL_NOT_IMPLEMENTED, as Windows expects of a service that does not accept them.</li>
 *   <li>A start or a stop that outlasts its limit ({@link Options#startLimit}, {@link Options#stopLimit}) is given
 *       up: the host writes SERVICE_START_FAILED or SERVICE_STOP_FAILED naming the limit, reports STOPPED with the
 *       code of a failed start or stop, and the dispatcher returns while the body's thread is still where it
 *       hung.</li>
 *   <li>Once STOPPED is reported nothing more is: the SCM may end the process, and the dispatcher returns.</li>
 * </ol>
 * Event Log: AGENT_STARTED just before RUNNING, AGENT_STOPPED (or SERVICE_STOP_FAILED) just before STOPPED.
 */
public final class ServiceHost {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceHost.class);

    /** The controls a running agent accepts. */
    public static final int ACCEPTED_WHEN_RUNNING =
            SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PRESHUTDOWN;

    /**
     * Timing: the wait hints reported with START_PENDING and STOP_PENDING (how long the SCM waits for the next
     * checkpoint before it considers the service hung), how often the checkpoint is raised while the body works, and
     * the limits on a whole start and a whole stop. Rising checkpoints tell the SCM that the service is making
     * progress, so without a limit a start or stop that hangs would stay pending for ever: a service STOP_PENDING
     * cannot be stopped again, and one START_PENDING refuses every control.
     */
    public record Options(
            Duration startWaitHint,
            Duration stopWaitHint,
            Duration heartbeat,
            Duration startLimit,
            Duration stopLimit,
            String version) {
        public Options {
            Objects.requireNonNull(startWaitHint, "startWaitHint");
            Objects.requireNonNull(stopWaitHint, "stopWaitHint");
            Objects.requireNonNull(heartbeat, "heartbeat");
            Objects.requireNonNull(startLimit, "startLimit");
            Objects.requireNonNull(stopLimit, "stopLimit");
            Objects.requireNonNull(version, "version");
            if (heartbeat.isZero()
                    || heartbeat.isNegative()
                    || heartbeat.compareTo(startWaitHint) >= 0
                    || heartbeat.compareTo(stopWaitHint) >= 0) {
                throw new IllegalArgumentException("heartbeat must be positive and shorter than both wait hints");
            }
            if (startLimit.isZero() || startLimit.isNegative() || stopLimit.isZero() || stopLimit.isNegative()) {
                throw new IllegalArgumentException("the start and stop limits must be positive");
            }
        }

        /**
         * 60 s to the next checkpoint while starting, 30 s while stopping, a checkpoint every 2 s; a start may take 10
         * minutes in all (the plugins load one after another, each within 30 s, on a machine that may be booting
         * slowly: the limit is there only so that a hung start ends), a stop 25 s: Windows
         * Installer waits 30 s for a service it stops before an upgrade or removal, and the data folder survives an
         * abrupt end (docs/windows-service-notes.md, "Service life cycle"). The version of this jar's manifest.
         */
        public static Options defaults() {
            String v = ServiceHost.class.getPackage().getImplementationVersion();
            return new Options(
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(2),
                    Duration.ofMinutes(10),
                    Duration.ofSeconds(25),
                    v == null ? "development" : v);
        }

        public Options withHeartbeat(Duration d) {
            return new Options(startWaitHint, stopWaitHint, d, startLimit, stopLimit, version);
        }

        public Options withLimits(Duration start, Duration stop) {
            return new Options(startWaitHint, stopWaitHint, heartbeat, start, stop, version);
        }
    }

    private final Advapi32Service api;
    private final String serviceName;
    private final ServiceBody body;
    private final AgentEvents events;
    private final Options options;

    // Native code holds these: they must stay reachable as long as the host (JNA callbacks are weakly referenced).
    private final Advapi32Service.ServiceMainFunction serviceMain = this::serviceMain;
    private final Advapi32Service.HandlerEx handler = this::handle;
    private final Memory name;
    private final Memory table;

    private final Object lock = new Object();
    private Pointer statusHandle; // guarded by lock
    private int state = SERVICE_STOPPED; // guarded by lock
    private int checkpoint; // guarded by lock
    private boolean stoppedReported; // guarded by lock: nothing is reported after STOPPED
    private ScheduledFuture<?> heartbeat; // guarded by lock
    private Thread stopper; // guarded by lock
    private StopReason stopReason; // guarded by lock
    private ScheduledFuture<?> limit; // guarded by lock: when the current pending state's limit passes
    private boolean settled; // guarded by lock: the current pending state has ended, by the body or by its limit
    private volatile boolean limitPassed;
    private ScheduledExecutorService timer;
    private volatile int exitCode;
    private volatile long runningSince;
    private volatile int dispatcherError;

    public ServiceHost(Advapi32Service api, String serviceName, ServiceBody body, AgentEvents events, Options options) {
        this.api = Objects.requireNonNull(api, "api");
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.body = Objects.requireNonNull(body, "body");
        this.events = Objects.requireNonNull(events, "events");
        this.options = Objects.requireNonNull(options, "options");
        this.name = Advapi32Utf16.of(serviceName);
        // SERVICE_TABLE_ENTRYW[2]: {name, ServiceMain}, then the NULL entry that closes the table.
        this.table = new Memory(4L * Native.POINTER_SIZE);
        table.clear();
        table.setPointer(0, name);
        table.setPointer(Native.POINTER_SIZE, CallbackReference.getFunctionPointer(serviceMain));
    }

    /**
     * Hands this thread to the SCM's dispatcher until the service has stopped. Returns the process exit code: 0 after
     * a clean stop, {@link ServiceExitCode#START_FAILED} after a failed start, {@link ServiceExitCode#STOP_FAILED}
     * after a failed stop, {@link ServiceExitCode#PROCESS_NOT_A_SERVICE} if the process was not started by the SCM
     * (then {@link #dispatcherError()} is {@code ERROR_FAILED_SERVICE_CONTROLLER_CONNECT}).
     */
    public int run() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kms-agent-service-checkpoints");
            t.setDaemon(true);
            return t;
        });
        try {
            if (api.StartServiceCtrlDispatcherW(table) == 0) {
                dispatcherError = Native.getLastError();
                if (dispatcherError == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
                    LOG.error(
                            "not started by the Service Control Manager: kms-agent-service.exe runs only as the service {}"
                                    + " (sc.exe start {}); from a console, use kms-agent run",
                            serviceName,
                            serviceName);
                    return ServiceExitCode.PROCESS_NOT_A_SERVICE;
                }
                LOG.error("StartServiceCtrlDispatcherW failed: Win32 error {}", dispatcherError);
                return ServiceExitCode.START_FAILED;
            }
            Thread s;
            synchronized (lock) {
                s = stopper;
            }
            if (s != null && !limitPassed) {
                s.join(TimeUnit.SECONDS.toMillis(5)); // it reported STOPPED as its last act; this only lets it finish
            }
            return exitCode;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return exitCode;
        } finally {
            timer.shutdownNow();
        }
    }

    /**
     * Whether a start or a stop outlasted its limit, so that the service was reported stopped while the body's thread
     * still hung: the process should then end without running the JVM's shutdown hooks.
     */
    public boolean gaveUp() {
        return limitPassed;
    }

    /** The Win32 error of a failed {@code StartServiceCtrlDispatcherW}, 0 if it did not fail. */
    public int dispatcherError() {
        return dispatcherError;
    }

    // ---- ServiceMain: on the SCM's thread ----

    private void serviceMain(int argc, Pointer argv) {
        try {
            Pointer h = api.RegisterServiceCtrlHandlerExW(name, handler, null);
            if (h == null) {
                int err = Native.getLastError();
                exitCode = ServiceExitCode.START_FAILED;
                LOG.error("RegisterServiceCtrlHandlerExW({}) failed: Win32 error {}", serviceName, err);
                events.serviceStartFailed(
                        ServiceExitCode.START_FAILED,
                        "RegisterServiceCtrlHandlerExW failed with Win32 error " + err,
                        "Check that the service is installed under the name " + serviceName + ".");
                return;
            }
            synchronized (lock) {
                statusHandle = h;
                enterPending(SERVICE_START_PENDING, options.startWaitHint(), options.startLimit());
            }
            LOG.info("starting the service {}", serviceName);
            try {
                body.start();
            } catch (Throwable t) {
                failStart(t);
                return;
            }
            if (!settle()) {
                LOG.warn("the agent finished starting after the start limit, when the service had already been"
                        + " reported stopped; the process ends");
                return;
            }
            runningSince = System.nanoTime();
            events.agentStarted(
                    options.version(), javaRuntime(), ProcessHandle.current().pid());
            synchronized (lock) {
                stopHeartbeat();
                state = SERVICE_RUNNING;
                report(SERVICE_RUNNING, ACCEPTED_WHEN_RUNNING, NO_ERROR, 0, 0);
            }
            LOG.info("the service {} is running", serviceName);
        } catch (Throwable t) {
            // Nothing may escape into native code.
            LOG.error("ServiceMain failed", t);
        }
    }

    private void failStart(Throwable t) {
        if (!settle()) {
            LOG.warn(
                    "the agent's start failed after the start limit, when the service had already been reported"
                            + " stopped",
                    t);
            return;
        }
        int code = t instanceof ServiceStartException s ? s.exitCode() : ServiceExitCode.START_FAILED;
        String todo = t instanceof ServiceStartException s && s.whatToDo() != null
                ? s.whatToDo()
                : "Read the agent's log, run kms-agent doctor, fix the cause and start the service again.";
        LOG.error("the service {} could not start (service-specific code {})", serviceName, code, t);
        exitCode = ServiceExitCode.START_FAILED;
        try {
            events.serviceStartFailed(code, describe(t), todo);
        } finally {
            synchronized (lock) {
                stopHeartbeat();
                reportStopped(ERROR_SERVICE_SPECIFIC_ERROR, code);
            }
        }
    }

    // ---- HandlerEx: on the dispatcher's thread; must return quickly ----

    private int handle(int control, int eventType, Pointer eventData, Pointer context) {
        try {
            StopReason reason;
            switch (control) {
                case SERVICE_CONTROL_INTERROGATE:
                    return NO_ERROR;
                case SERVICE_CONTROL_STOP:
                    reason = StopReason.STOP;
                    break;
                case SERVICE_CONTROL_SHUTDOWN:
                    reason = StopReason.SHUTDOWN;
                    break;
                case SERVICE_CONTROL_PRESHUTDOWN:
                    reason = StopReason.PRESHUTDOWN;
                    break;
                default:
                    return ERROR_CALL_NOT_IMPLEMENTED;
            }
            LOG.info("{} received", Win32.controlName(control));
            synchronized (lock) {
                if (state == SERVICE_START_PENDING) {
                    return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
                }
                if (state != SERVICE_RUNNING) {
                    return NO_ERROR; // already stopping (e.g. PRESHUTDOWN then SHUTDOWN) or stopped
                }
                stopReason = reason;
                enterPending(SERVICE_STOP_PENDING, options.stopWaitHint(), options.stopLimit());
                stopper = new Thread(() -> stopBody(reason), "kms-agent-service-stop");
                stopper.start();
            }
            return NO_ERROR;
        } catch (Throwable t) {
            LOG.error("control handler failed for {}", Win32.controlName(control), t);
            return NO_ERROR;
        }
    }

    private void stopBody(StopReason reason) {
        Throwable failure = null;
        try {
            body.stop(reason);
        } catch (Throwable t) {
            failure = t;
        }
        if (!settle()) {
            LOG.warn(
                    "the agent's stop ended after the stop limit, when the service had already been reported stopped",
                    failure);
            return;
        }
        int specific = 0;
        try {
            if (failure == null) {
                events.agentStopped(reason.text(), Duration.ofNanos(System.nanoTime() - runningSince));
            } else {
                specific = ServiceExitCode.STOP_FAILED;
                exitCode = ServiceExitCode.STOP_FAILED;
                LOG.error("stopping the service {} failed", serviceName, failure);
                events.serviceStopFailed(reason.text(), describe(failure));
            }
        } catch (Throwable t) {
            LOG.error("the service {} stopped, but its Event Log entry could not be written", serviceName, t);
        } finally {
            synchronized (lock) {
                stopHeartbeat();
                reportStopped(specific == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR, specific);
            }
            LOG.info("the service {} stopped ({})", serviceName, reason.text());
        }
    }

    // ---- the limits on a whole start and a whole stop ----

    /** Ends the current pending state's limit; false if the limit has already passed and ended the service. */
    private boolean settle() {
        synchronized (lock) {
            if (settled) {
                return false;
            }
            settled = true;
            if (limit != null) {
                limit.cancel(false);
                limit = null;
            }
            return true;
        }
    }

    /**
     * On the timer's thread: the body has not finished starting or stopping within its limit. The service is
     * reported stopped with the code a failed start or stop has, and the dispatcher returns, so the process ends
     * (ServiceMain exits) with the body's thread still where it hung; what it finishes later changes nothing.
     */
    private void limitPassed(int pendingState, Duration allowed) {
        StopReason reason;
        synchronized (lock) {
            if (state != pendingState || settled) {
                return;
            }
            settled = true;
            limit = null;
            reason = stopReason;
        }
        limitPassed = true;
        boolean starting = pendingState == SERVICE_START_PENDING;
        int code = starting ? ServiceExitCode.START_FAILED : ServiceExitCode.STOP_FAILED;
        exitCode = code;
        try {
            if (starting) {
                String what = "the agent did not start within " + text(allowed);
                LOG.error("{}; the service is reported stopped and its process ends", what);
                events.serviceStartFailed(
                        code,
                        what,
                        "Read the agent's log for the step it was in (a plugin, the licensing service, the data"
                                + " folder), fix the cause and start the service again.");
            } else {
                String what = "the agent did not stop within " + text(allowed) + "; its process was ended";
                LOG.error("{}", what);
                events.serviceStopFailed(reason.text(), what);
            }
        } catch (Throwable t) {
            LOG.error("the Event Log entry for the passed limit could not be written", t);
        } finally {
            synchronized (lock) {
                stopHeartbeat();
                reportStopped(ERROR_SERVICE_SPECIFIC_ERROR, code);
            }
        }
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    // ---- status reports (lock held) ----

    private void enterPending(int pendingState, Duration waitHint, Duration allowed) {
        state = pendingState;
        checkpoint = 1;
        settled = false;
        limit = timer.schedule(() -> limitPassed(pendingState, allowed), allowed.toMillis(), TimeUnit.MILLISECONDS);
        report(pendingState, 0, NO_ERROR, 0, (int) waitHint.toMillis());
        long every = options.heartbeat().toMillis();
        heartbeat = timer.scheduleAtFixedRate(
                () -> {
                    synchronized (lock) {
                        if (state == pendingState && !stoppedReported) {
                            checkpoint++;
                            report(pendingState, 0, NO_ERROR, 0, (int) waitHint.toMillis());
                        }
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
    }

    private void stopHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
    }

    private void reportStopped(int win32ExitCode, int serviceSpecificExitCode) {
        state = SERVICE_STOPPED;
        report(SERVICE_STOPPED, 0, win32ExitCode, serviceSpecificExitCode, 0);
        stoppedReported = true;
    }

    private void report(int newState, int accepted, int win32ExitCode, int specific, int waitHintMs) {
        if (stoppedReported || statusHandle == null) {
            return;
        }
        Advapi32Service.ServiceStatus s = new Advapi32Service.ServiceStatus();
        s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
        s.dwCurrentState = newState;
        s.dwControlsAccepted = accepted;
        s.dwWin32ExitCode = win32ExitCode;
        s.dwServiceSpecificExitCode = specific;
        boolean pending = newState == SERVICE_START_PENDING || newState == SERVICE_STOP_PENDING;
        s.dwCheckPoint = pending ? checkpoint : 0;
        s.dwWaitHint = pending ? waitHintMs : 0;
        if (api.SetServiceStatus(statusHandle, s) == 0) {
            LOG.warn("SetServiceStatus({}) failed: Win32 error {}", Win32.stateName(newState), Native.getLastError());
        }
    }

    // ---- text ----

    static String describe(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null && b.length() < 2000; c = c.getCause()) {
            if (c != t) {
                b.append("; caused by ");
            }
            b.append(c instanceof ServiceStartException ? "" : c.getClass().getName() + ": ");
            b.append(c.getMessage() == null ? "(no message)" : c.getMessage());
            if (c.getCause() == c) {
                break;
            }
        }
        return b.toString();
    }

    static String javaRuntime() {
        return System.getProperty("java.runtime.version", System.getProperty("java.version")) + " ("
                + System.getProperty("java.vendor", "unknown vendor") + ") at " + System.getProperty("java.home");
    }
}
