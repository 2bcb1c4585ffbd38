package org.kmsagent.agent.licensing.registry;

/** A registry read failed for another reason than the value being absent. */
public final class RegistryException extends Exception {
    private final int status;

    public RegistryException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The Win32 status {@code RegGetValueW} returned (e.g. 5, access denied). */
    public int status() {
        return status;
    }
}
