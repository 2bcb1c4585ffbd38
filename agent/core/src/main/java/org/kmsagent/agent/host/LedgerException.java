package org.kmsagent.agent.host;

/** The ledger could not store or read; the request it was storing is not acknowledged. */
public class LedgerException extends RuntimeException {
    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }

    public LedgerException(String message) {
        super(message);
    }
}
