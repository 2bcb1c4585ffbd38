package org.kmsagent.agent.live;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.SimulatedFaultsConfig;
import org.kmsagent.agent.daemon.StoredMachine;
import org.kmsagent.agent.licensing.DeadlineStack;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.licensing.simulated.FaultyStack;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.licensing.slc.WindowsMachine;
import org.kmsagent.agent.licensing.wmi.WmiLicensingWriter;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.api.LicensingStack;

/**
 * The licensing stack the daemon drives: the one {@code licensing} selects (SLC on Windows; otherwise a
 * {@link SimulatedSite} standing for this computer), with the configured simulated faults, and every call under a
 * deadline. Chosen once at start, on the machine thread.
 */
final class MachineLicensing {
  private final AgentConfig config;
  private final Scheduler scheduler;
  private final StartBanner banner;

  private LicensingStacks.Choice choice;
  private DeadlineStack deadlines;
  private FaultyStack faulty;
  private SimulatedSite site;
  private Optional<StoredMachine> storedMachine = Optional.empty();

  MachineLicensing(AgentConfig config, Scheduler scheduler, StartBanner banner) {
    this.config = config;
    this.scheduler = scheduler;
    this.banner = banner;
  }

  /** Chooses and decorates the stack; a simulated machine is the stored one when there is one. */
  void choose(Optional<StoredMachine> stored) {
    this.storedMachine = stored;
    LicensingStacks stacks = new LicensingStacks(MachineLicensing::slcStack, this::simulatedStack,
        System.getProperty("os.name", "unknown"));
    choice = stacks.select(config.licensing().id());
    banner.add("kms-agent: " + choice.statusLine());
    LicensingStack raw = choice.stack();
    if (site != null && config.simulated().faults().enabled()) {
      faulty = faultyStack(raw, config.simulated().faults());
      raw = faulty;
      banner.add("kms-agent: simulated.faults: " + faulty.plan());
    }
    // Every licensing call gets a deadline: a call that never returns is abandoned on its own thread and the
    // machine thread carries on (docs/troubleshooting.md, "How the agent treats licensing failures").
    deadlines = new DeadlineStack(raw, Duration.ofSeconds(config.renewal().callDeadlineSeconds()),
        Duration.ofSeconds(config.renewal().activationDeadlineSeconds()));
    choice = new LicensingStacks.Choice(deadlines, choice.mode(), choice.reason());
    if (site != null) {
      banner.add("kms-agent: " + site + " stands for this computer; editions from simulated.editions: "
          + config.simulated().editions());
    }
  }

  /** The chosen stack, decorated. */
  LicensingStack stack() {
    return choice.stack();
  }

  /** The simulated site standing for this computer, or null when the stack is Windows' own. */
  SimulatedSite site() {
    return site;
  }

  /** What the licensing-call deadlines caught since start (for status and doctor). */
  String licensingCalls() {
    return deadlines == null ? "licensing calls: not started" : deadlines.describe();
  }

  /** Injected hangs end now rather than hold a thread through shutdown. */
  void releaseFaults() {
    if (faulty != null) {
      faulty.release();
    }
  }

  /** Ends the deadlines' threads. */
  void close() {
    if (deadlines != null) {
      deadlines.close();
    }
  }

  private static LicensingStack slcStack() {
    return new SlcLicensingStack(SlcClient::forService, new WmiLicensingWriter(), WindowsMachine.name(),
        WindowsMachine.version());
  }

  private FaultyStack faultyStack(LicensingStack machineStack, SimulatedFaultsConfig f) {
    Set<FaultyStack.Kind> kinds = java.util.EnumSet.noneOf(FaultyStack.Kind.class);
    f.kinds().forEach(k -> kinds.add(FaultyStack.Kind.parse(k).orElseThrow()));
    Optional<Instant> from = f.startAfterSeconds() > 0
        ? Optional.of(scheduler.now().plusSeconds(f.startAfterSeconds())) : Optional.empty();
    return new FaultyStack(machineStack, new FaultyStack.Plan(f.rate(), f.hangRate(), kinds, Optional.empty(), from),
        new java.util.SplittableRandom(f.seed()), scheduler::now, FaultyStack.HangMode.BLOCK,
        Duration.ofSeconds(f.hangSeconds()));
  }

  private LicensingStack simulatedStack() {
    site = SimulatedSite.create(scheduler, config.simulated(), storedMachine);
    return site.machine();
  }
}
