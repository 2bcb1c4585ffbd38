package org.kmsagent.agent.host;

/**
 * The ledger file is there but this account may not read or write it (a restore done as another user, say): not
 * damage. Whoever opens the ledger leaves the file as it is, since what it holds is intact (docs/host.md).
 */
public final class LedgerAccessException extends LedgerException {
    public LedgerAccessException(String message, Throwable cause) {
        super(message, cause);
    }

    public LedgerAccessException(String message) {
        super(message);
    }
}
