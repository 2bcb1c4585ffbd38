package org.kmsagent.agent.simulate;

import java.util.List;
import org.kmsagent.agent.plugin.LoadedFamily;

/**
 * Where {@code kms-agent simulate} gets its families and its KMS host from when run from the command line.
 *
 * <p>LEAD: WIRE HERE. Replace {@link #families} with the plugin host's {@code FamilyRegistry.families()} (loaded
 * from the root {@code --plugins-dir}) once it is merged. The host is the ledger host on an in-memory H2 ledger.
 * Tests pass their own values to {@code SimulateCommand}'s constructor and never come here.
 */
public final class SimulationWiring {
  private SimulationWiring() {}

  /** The loaded families, given the plugins directory. */
  @FunctionalInterface
  public interface FamilySource {
    List<LoadedFamily> families(java.nio.file.Path pluginsDir) throws Exception;
  }

  /** The families: not yet wired to the plugin host on this branch. */
  public static FamilySource families() {
    return dir -> {
      throw new IllegalStateException("the plugin host is not wired into 'simulate' yet (SimulationWiring)");
    };
  }

  /** The lab host: the KMS host model on an in-memory ledger. */
  public static HostFactory host() {
    return LabHosts.ledgerInMemory();
  }
}
