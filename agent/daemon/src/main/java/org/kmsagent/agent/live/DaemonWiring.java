package org.kmsagent.agent.live;

import org.kmsagent.agent.daemon.ControlBinding;

/**
 * THE place where {@code kms-agent run} binds the control API to the real components: {@link #production()} is the
 * {@link org.kmsagent.agent.live.LiveAgent} (plugin host, licensing stack, renewal loops resumed from the stored
 * state, the host role when configured).
 */
public final class DaemonWiring {
  private DaemonWiring() {}

  /** The binding {@code kms-agent run} uses. */
  public static ControlBinding production() {
    return LiveAgent::start;
  }
}
