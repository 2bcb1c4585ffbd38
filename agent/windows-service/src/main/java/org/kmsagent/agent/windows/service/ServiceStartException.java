package org.kmsagent.agent.windows.service;

/**
 * Thrown by {@link ServiceBody#start} to choose the service-specific exit code the SCM records (System log event
 * 7024) and to say what the administrator should do (the SERVICE_START_FAILED event's third string).
 */
public class ServiceStartException extends Exception {
    private final int exitCode;
    private final String whatToDo;

    public ServiceStartException(int exitCode, String message, String whatToDo, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.whatToDo = whatToDo;
    }

    public ServiceStartException(int exitCode, String message, String whatToDo) {
        this(exitCode, message, whatToDo, null);
    }

    /** The service-specific exit code ({@link ServiceExitCode}). */
    public int exitCode() {
        return exitCode;
    }

    public String whatToDo() {
        return whatToDo;
    }
}
