package org.kmsagent.agent.daemon;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.bus.AgentControl;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.bus.view.HostSettings;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.bus.view.PluginView;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.ProductKey;

/**
 * THE place where {@code kms-agent run} binds the control API to the real components: {@link #production()} is the
 * {@link org.kmsagent.agent.live.LiveAgent} (plugin host, licensing stack, renewal loops resumed from the stored
 * state, the host role when configured). {@link Unwired} remains for builds and tests that want the API without
 * components: it answers every request with 503, saying so.
 */
public final class DaemonWiring {
  private DaemonWiring() {}

  /** The binding {@code kms-agent run} uses. */
  public static ControlBinding production() {
    return org.kmsagent.agent.live.LiveAgent::start;
  }

  /** Answers every request with 503 "not wired": this build has no renewal loop, host or plugin host bound yet. */
  static final class Unwired implements AgentControl {
    private static ControlException unavailable() {
      return new ControlException(BusCodes.UNAVAILABLE,
          "this build of the agent has no renewal loop, host model or plugin host "
          + "bound to the control API yet");
    }

    @Override
    public List<ProductView> products() {
      throw unavailable();
    }

    @Override
    public HostView host() {
      throw unavailable();
    }

    @Override
    public List<ActionResult> activate(Optional<String> family) {
      throw unavailable();
    }

    @Override
    public List<ActionResult> installGvlk(Optional<String> family, Optional<ProductKey> key) {
      throw unavailable();
    }

    @Override
    public KmsEndpoint setKms(Optional<String> family, KmsEndpoint endpoint) {
      throw unavailable();
    }

    @Override
    public void clearKms(Optional<String> family) {
      throw unavailable();
    }

    @Override
    public HostSettings hostSettings() {
      throw unavailable();
    }

    @Override
    public HostSettings updateHostSettings(HostSettings settings) {
      throw unavailable();
    }

    @Override
    public List<PluginView> plugins() {
      throw unavailable();
    }

    @Override
    public PluginView loadPlugin(Path jar) {
      throw unavailable();
    }

    @Override
    public void unloadPlugin(String pluginId) {
      throw unavailable();
    }

    @Override
    public List<PluginView> rescanPlugins() {
      throw unavailable();
    }
  }
}
