package org.kmsagent.agent.ctl;

/** The agent (or its bridge) answered a request with a failure: a {@code BusCodes} code and its message. */
public final class BridgeFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final int code;

  public BridgeFailure(int code, String message) {
    super(message);
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** Whether the failure is about credentials (401) or role (403) rather than the request itself. */
  public boolean notAuthorised() {
    return code == 401 || code == 403;
  }
}
