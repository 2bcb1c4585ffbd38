package org.kmsagent.agent.plugin;

/** A plugin's code threw: the message names the family and the cause, so the log says whom to blame. */
public final class PluginFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String familyId;

    public PluginFailure(String familyId, Throwable cause) {
        super("plugin " + familyId + " failed: " + cause, cause);
        this.familyId = familyId;
    }

    public String familyId() {
        return familyId;
    }
}
