package org.kmsagent.agent.windows.service;

/**
 * The service-specific exit codes kms-agent reports with {@code ERROR_SERVICE_SPECIFIC_ERROR} (1066). The SCM logs
 * them in the System log (event 7024, source Service Control Manager) and {@code sc.exe query kms-agent} shows them
 * as SERVICE_EXIT_CODE. Stable, like the event ids.
 */
public final class ServiceExitCode {
    private ServiceExitCode() {}

    /** The agent failed to start (any error not given a code of its own). */
    public static final int START_FAILED = 1;
    /** The configuration could not be loaded or is invalid. */
    public static final int CONFIGURATION = 2;
    /** Stopping failed: state may not have been saved. */
    public static final int STOP_FAILED = 3;
    /** No {@link ServiceBodyProvider} on the class path: the installation is incomplete. */
    public static final int NO_SERVICE_BODY = 4;
    /** kms-agent-service.exe found no usable Java runtime (reported by the launcher, before any Java runs). */
    public static final int JAVA_NOT_FOUND = 10;
    /** kms-agent-service.exe could not load or start the JVM, or the entry class was missing (launcher). */
    public static final int JVM_START_FAILED = 11;

    /** Process exit code of {@link ServiceMain} when it was not started by the SCM (run from a console). */
    public static final int PROCESS_NOT_A_SERVICE = 2;
}
