package org.kmsagent.agent.cli;

import com.sun.jna.Platform;
import java.util.List;
import java.util.function.Supplier;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.licensing.WindowsMachine;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.licensing.wmi.WmiLicensingWriter;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.api.LicensingStack;

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
    return new LicensingStacks(DefaultCliServices::slcStack, DefaultCliServices::simulatedStack,
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

  static LicensingStack simulatedStack() {
    // MERGE POINT: return the simulated machine's LicensingStack (branch sim).
    throw new IllegalStateException("the simulated licensing stack is not wired into this build yet");
  }
}
