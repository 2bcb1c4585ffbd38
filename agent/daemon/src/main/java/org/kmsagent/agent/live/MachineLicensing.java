package org.kmsagent.agent.live;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.kmsagent.agent.bus.view.LicensingCallsView;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.SimulatedFaultsConfig;
import org.kmsagent.agent.daemon.StoredMachine;
import org.kmsagent.agent.licensing.CallTimeouts;
import org.kmsagent.agent.licensing.CallTimeoutsFile;
import org.kmsagent.agent.licensing.DeadlineStack;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.licensing.simulated.FaultyStack;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.licensing.simulated.ThisComputer;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.api.LicensingStack;
import org.slf4j.LoggerFactory;

/**
 * The licensing stack the daemon drives: the one {@code licensing} selects (SLC on Windows; otherwise a
 * {@link SimulatedSite} standing for this computer), with the configured simulated faults, and every call under a
 * deadline. Chosen once at start, on the machine thread, from the stacks the licensing modules contribute
 * ({@link LicensingStacks}); the decoration (faults, deadlines) is done here, in one place, since the faults belong to
 * licensing-simulated, which the core cannot see.
 */
final class MachineLicensing implements ThisComputer {
    private final AgentConfig config;
    private final Scheduler scheduler;
    private final LicensingStacks stacks;
    private final StartBanner banner;
    private final Path dataDir;

    private LicensingStacks.Choice choice;
    private DeadlineStack deadlines;
    private FaultyStack faulty;
    private SimulatedSite site;
    private Optional<StoredMachine> storedMachine = Optional.empty();

    @Inject
    MachineLicensing(
            AgentConfig config,
            Scheduler scheduler,
            LicensingStacks stacks,
            StartBanner banner,
            @DataDirectory Path dataDir) {
        this.config = config;
        this.dataDir = dataDir;
        this.scheduler = scheduler;
        this.stacks = stacks;
        this.banner = banner;
    }

    /**
     * Chooses and decorates the stack; a simulated machine is the stored one when there is one.
     *
     * @param storeDamaged the stored state was damaged and moved aside: a simulated machine it held is lost with it
     */
    void choose(Optional<StoredMachine> stored, boolean storeDamaged) {
        this.storedMachine = stored;
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
        deadlines = new DeadlineStack(
                raw,
                Duration.ofSeconds(config.renewal().callDeadlineSeconds()),
                Duration.ofSeconds(config.renewal().activationDeadlineSeconds()),
                scheduler::now);
        deadlines.onTimeout(this::recordTimeouts);
        choice = new LicensingStacks.Choice(deadlines, choice.mode(), choice.reason());
        if (site != null) {
            banner.add("kms-agent: " + site + " stands for this computer; editions from simulated.editions: "
                    + config.simulated().editions());
            if (stored.isEmpty() && storeDamaged) {
                // Windows would still hold its products; the simulated machine lived in the damaged file only.
                banner.add("kms-agent: the simulated machine is a new one, its products installed afresh in grace: the"
                        + " one stored in state.json was in the damaged file (a KMS host counts this CMID as another"
                        + " machine)");
            }
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

    /** The calls the deadlines abandoned, for {@code ctl status}; empty before the stack is chosen. */
    Optional<LicensingCallsView> licensingCallTimeouts() {
        DeadlineStack d = deadlines;
        return d == null ? Optional.empty() : Optional.of(LicensingCallsView.of(d.timeouts()));
    }

    /** Keeps the counts where {@code kms-agent doctor} reads them; a failure to write is logged, never thrown. */
    private void recordTimeouts(CallTimeouts t) {
        try {
            CallTimeoutsFile.write(dataDir, t);
        } catch (IOException e) {
            LoggerFactory.getLogger(LiveAgent.class)
                    .warn("cannot record the licensing-call timeouts in {}: {}", dataDir, e.getMessage());
        }
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

    private FaultyStack faultyStack(LicensingStack machineStack, SimulatedFaultsConfig f) {
        Set<FaultyStack.Kind> kinds = EnumSet.noneOf(FaultyStack.Kind.class);
        f.kinds().forEach(k -> kinds.add(FaultyStack.Kind.parse(k).orElseThrow()));
        Optional<Instant> from = f.startAfterSeconds() > 0
                ? Optional.of(scheduler.now().plusSeconds(f.startAfterSeconds()))
                : Optional.empty();
        return new FaultyStack(
                machineStack,
                new FaultyStack.Plan(f.rate(), f.hangRate(), kinds, Optional.empty(), from),
                new SplittableRandom(f.seed()),
                scheduler::now,
                FaultyStack.HangMode.BLOCK,
                Duration.ofSeconds(f.hangSeconds()));
    }

    /** {@code licensing: simulated} chosen: the site standing for this computer, its machine the stored one if any. */
    @Override
    public SimulatedMachine machine() {
        site = SimulatedSite.create(scheduler, config.simulated(), storedMachine);
        return site.machine();
    }
}
