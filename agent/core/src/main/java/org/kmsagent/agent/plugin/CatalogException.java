package org.kmsagent.agent.plugin;

/** A catalog document is not valid; the message names the field (e.g. {@code skus[3].gvlk}) and what is wrong. */
public final class CatalogException extends Exception {
    private static final long serialVersionUID = 1L;

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
