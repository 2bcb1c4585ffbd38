package org.kmsagent.agent.cli;

import com.sun.jna.Platform;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.licensing.DeadlineStack;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.licensing.slc.WindowsMachine;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.licensing.wmi.WmiLicensingWriter;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.live.SimulatedSite;
import org.kmsagent.agent.scheduler.VirtualClockScheduler;

/**
 * The real wiring of {@link CliServices}.
 *
 */
final class DefaultCliServices implements CliServices {
  private final Supplier<KmsAgentCommand> root;
  private PluginHost plugins;

  /** {@code root} is read when a family is first asked for, after picocli has parsed the options. */
  DefaultCliServices(Supplier<KmsAgentCommand> root) {
    this.root = root;
  }

  @Override
  public synchronized List<LoadedFamily> families() {
    if (plugins == null) {
      plugins = root.get().loadPlugins();
    }
    return plugins.registry().families();
  }

  @Override
  public LicensingStacks stacks() {
    // A licensing call that never returns must not hang status or doctor: it is abandoned at its deadline and the
    // report shows it (0x800705B4, "did not return within 30 s").
    return new LicensingStacks(() -> new DeadlineStack(slcStack()), this::simulatedStack,
        System.getProperty("os.name", "unknown"));
  }

  @Override
  public boolean windows() {
    return Platform.isWindows();
  }

  static LicensingStack slcStack() {
    return new SlcLicensingStack(SlcClient::forService, new WmiLicensingWriter(), WindowsMachine.name(),
        WindowsMachine.version());
  }

  /**
   * The simulated machine the daemon would drive from the default configuration ({@code simulated.editions}), with
   * the loaded families' editions installed as fresh from volume media: its clock stands still at now, and nothing
   * on this computer is read or changed. The status output says the stack is the simulated one.
   */
  LicensingStack simulatedStack() {
    SimulatedSite site = SimulatedSite.create(new VirtualClockScheduler(Instant.now()),
        AgentConfig.defaults().simulated(), Optional.empty());
    for (LoadedFamily f : families()) {
      try {
        site.install(f);
      } catch (LicensingException | RuntimeException e) {
        // The status report names a family whose products cannot be read; installing is best effort here.
      }
    }
    return site.machine();
  }
}
