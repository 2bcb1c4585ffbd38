package org.kmsagent.agent.cli;

import com.sun.jna.Platform;
import java.util.List;
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
 * <p>MERGE POINT (lead): two things are stubbed here until the branches meet. {@link #families()} must return
 * {@code FamilyRegistry.families()} of the plugin host, and {@link #simulatedStack()} must build
 * {@code org.kmsagent.agent.licensing.simulated.SimulatedMachine} (branch {@code sim}). Nothing else in the
 * status/doctor code needs to change.
 */
final class DefaultCliServices implements CliServices {

  @Override
  public List<LoadedFamily> families() {
    // MERGE POINT: return the plugin host's FamilyRegistry.families().
    return List.of();
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
