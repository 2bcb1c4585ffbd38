package org.kmsagent.agent.windows.service;

/**
 * What the Windows service runs: the agent, brought up and down by {@link ServiceHost}. The daemon implements it
 * (through a {@link ServiceBodyProvider}); this module does not know the daemon.
 *
 * <p>Threads: {@link #start} runs on the SCM's ServiceMain thread, {@link #stop} on a thread of the host's own,
 * never both at once, and {@code stop} only after {@code start} returned normally. The host keeps the SCM informed
 * with checkpoints while either runs, so neither has to return within the SCM's 30-second handler limit, but each
 * should finish within its wait hint ({@link ServiceHost.Options}).
 */
public interface ServiceBody {

    /**
     * Brings the agent up and returns once it serves (the host then reports SERVICE_RUNNING). If it throws, the
     * service stops with {@code ERROR_SERVICE_SPECIFIC_ERROR}: the code of a {@link ServiceStartException}, else
     * {@link ServiceExitCode#START_FAILED}. It must release what it had opened before it throws: {@link #stop} is not
     * called after a failed start.
     */
    void start() throws Exception;

    /**
     * Saves the agent's state and stops it (stop, system shutdown or preshutdown; {@code reason} says which). Called
     * at most once. If it throws, the host still reports SERVICE_STOPPED, with {@link ServiceExitCode#STOP_FAILED}.
     */
    void stop(StopReason reason) throws Exception;

    /** Why the service is stopping. */
    enum StopReason {
        /** {@code SERVICE_CONTROL_STOP}: {@code sc.exe stop}, the Services console, {@code Stop-Service}. */
        STOP("stop requested"),
        /** {@code SERVICE_CONTROL_PRESHUTDOWN}: the system is shutting down, services are stopped in order. */
        PRESHUTDOWN("system preshutdown"),
        /** {@code SERVICE_CONTROL_SHUTDOWN}: the system is shutting down, about 20 seconds left at most. */
        SHUTDOWN("system shutdown");

        private final String text;

        StopReason(String text) {
            this.text = text;
        }

        /** As the AGENT_STOPPED event says it. */
        public String text() {
            return text;
        }
    }
}
