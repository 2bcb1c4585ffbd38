package org.kmsagent.agent.live;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.HostMode;
import org.kmsagent.agent.core.DamagedFiles;
import org.kmsagent.agent.daemon.AgentState;
import org.kmsagent.agent.host.GenuineHostView;
import org.kmsagent.agent.host.H2ActivationLedger;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.host.HostSettings;
import org.kmsagent.agent.host.LedgerAccessException;
import org.kmsagent.agent.host.LedgerException;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.licensing.eventlog.KmsEventWatcher;
import org.kmsagent.agent.licensing.eventlog.WevtapiChannel;
import org.kmsagent.agent.licensing.kmshost.GenuineHostServiceReader;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.licensing.win32.LinkErrors;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.scheduler.Scheduler;

/**
 * The daemon's KMS host role, as {@code host.*} configures it: off, the in-process host model over the durable
 * ledger ({@link HostRole}), or watching the genuine host on this machine ({@link WatchedHost}); and the host
 * settings in force (the configuration's, or those last set through the control API). Machine thread only.
 */
final class HostRoleRunner {
    private final AgentConfig config;
    private final Path dataDir;
    private final Clock clock;
    private final EventPublisher events;
    private final Scheduler scheduler;
    private final MachineLicensing licensing;
    private final StartBanner banner;

    private HostRole hostRole;
    private WatchedHost watchedHost;
    private HostSettingsView hostSettings;

    @Inject
    HostRoleRunner(
            AgentConfig config,
            @DataDirectory Path dataDir,
            Clock clock,
            EventPublisher events,
            Scheduler scheduler,
            MachineLicensing licensing,
            StartBanner banner) {
        this.config = config;
        this.dataDir = dataDir;
        this.clock = clock;
        this.events = events;
        this.scheduler = scheduler;
        this.licensing = licensing;
        this.banner = banner;
    }

    /**
     * The host settings in force at start: those set through the control API, unless the configuration was edited since (then the
     * file wins and the stored ones are dropped from the state).
     */
    void resolveSettings(StatePersistence persistence) {
        HostSettingsView configured = configuredSettings();
        hostSettings = configured;
        AgentState state = persistence.state();
        AgentState.StoredHostSettings changed = state.hostSettings();
        if (changed != null && configured.equals(changed.configured())) {
            hostSettings = changed.set();
            banner.add("kms-agent: host settings as last set through the control API (kmsagent.host.settings.set),"
                    + " kept across the restart: " + hostSettings.describe());
        } else if (changed != null) {
            // The configuration was edited since the settings were set through the control API: the file wins.
            persistence.replace(state.withHostSettings(null));
        }
    }

    /** The host settings the configuration gives. */
    HostSettingsView configuredSettings() {
        var h = config.host();
        return new HostSettingsView(
                h.activationIntervalMinutes(), h.renewalIntervalMinutes(), h.port(), h.publishDns());
    }

    /** Starts the role {@code host.*} asks for, over the licensing stack already chosen. */
    void start() {
        var h = config.host();
        SimulatedSite site = licensing.site();
        if (h.enabled() && h.mode() == HostMode.WATCH) {
            watchedHost = watch(dataDir.resolve("ledger"));
        } else if (h.enabled()) {
            Path ledgerFile = dataDir.resolve("ledger");
            H2ActivationLedger ledger = openLedger(ledgerFile);
            if (ledger != null) {
                hostRole = new HostRole(
                        licensing.stack().machineName(), ledger, h.hostKeys(), h.licensePacks(), toModel(hostSettings));
                banner.add("kms-agent: KMS host role on: the host model " + hostRole.name() + " over the ledger "
                        + ledgerFile + ".mv.db (in-process only; nothing listens on port " + hostSettings.port()
                        + ", the port it advertises)");
            }
        } else {
            if (h.mode() == HostMode.WATCH) {
                banner.add("kms-agent: host.mode: watch has no effect while host.enabled is false");
            }
            banner.add("kms-agent: KMS host role off (host.enabled=false)"
                    + (site != null ? "; the simulated machine has no reachable KMS host" : ""));
        }
    }

    /** After the plugins loaded: host keys and license packs no loaded family declares. */
    void reportUnknownKeys() {
        if (hostRole == null) {
            return;
        }
        // An unknown name is left out; when every name was unknown, the host is left with none at all, which is not
        // what leaving the key empty means (all of them): said as such, with the names to choose from.
        HostConfig held = hostRole.model().config();
        reportUnknown(
                "host.hostKeys",
                hostRole.unknownKeys(),
                hostRole.declaredKeys(),
                held.hostKeys().isEmpty(),
                "no host key and activates nothing");
        reportUnknown(
                "host.licensePacks",
                hostRole.unknownPacks(),
                hostRole.declaredPacks(),
                held.licensePacks().isEmpty(),
                "no license pack and activates no Office release that needs one");
    }

    /** One start-up line for names of {@code key} no loaded family declares, and what the host holds then. */
    private void reportUnknown(String key, List<String> unknown, List<String> declared, boolean noneHeld, String none) {
        if (!unknown.isEmpty()) {
            banner.add("kms-agent: " + key + ": no loaded family declares " + unknown
                    + (noneHeld ? ", so the host holds " + none : "; not held") + " (the loaded families declare "
                    + declared + "; an empty " + key + " holds them all)");
        }
    }

    /** host.mode: watch - follows the genuine host on this machine; nothing is modelled, nothing listens. */
    private WatchedHost watch(Path ledgerFile) {
        H2ActivationLedger ledger = H2ActivationLedger.openFile(ledgerFile);
        KmsEventWatcher watcher = null;
        String error = null;
        String library = System.getProperty("kmsagent.eventlog.library", "wevtapi");
        try {
            watcher = new KmsEventWatcher(
                    WevtapiChannel.forLibrary(library), ledger, dataDir.resolve("kms-eventlog.bookmark"), 100);
        } catch (UnsatisfiedLinkError e) {
            error = "the Windows Event Log API (" + library + ") cannot be loaded here: " + LinkErrors.summary(e);
        }
        SlcLicensingStack slc = licensing.stack() instanceof SlcLicensingStack s ? s : null;
        WatchedHost w = new WatchedHost(
                licensing.stack().machineName(),
                ledger,
                watcher,
                error,
                slc,
                GenuineHostServiceReader.forLibrary(System.getProperty("kmsagent.registry.library", "advapi32"), slc),
                scheduler,
                events);
        w.start();
        banner.add("kms-agent: KMS host role on, watching the genuine host " + w.name() + ": its '"
                + KmsEventWatcher.CHANNEL + "' log into the ledger " + ledgerFile
                + ".mv.db every " + WatchedHost.POLL.toMinutes() + " min" + (error == null ? "" : " - but " + error)
                + (slc == null ? "; the licensing service's own counters are read on Windows only" : ""));
        return w;
    }

    /**
     * Opens the host role's ledger. A damaged file (garbage, truncated, torn beyond H2's own recovery) is moved aside
     * ({@link DamagedFiles}) and a new, empty ledger made in its place: the pool refills as clients renew. When even
     * that fails, or the file is in use by another process, written by a newer version or not this account's to read
     * and write (not damage: left alone),
     * the host role stays off for this run and the banner says why; the renewal of this machine's own products is
     * not affected. Returns null when the host role is off.
     */
    private H2ActivationLedger openLedger(Path ledgerFile) {
        Path file = ledgerFile.resolveSibling(ledgerFile.getFileName() + ".mv.db");
        try {
            return H2ActivationLedger.openFile(ledgerFile);
        } catch (LedgerException e) {
            String why = firstLine(e.getMessage());
            if (!Files.isRegularFile(file) || !isDamage(e)) {
                banner.add("kms-agent: KMS host role disabled: " + why);
                return null;
            }
            Path aside;
            try {
                aside = DamagedFiles.moveAside(file, clock);
            } catch (IOException io) {
                banner.add(
                        "kms-agent: KMS host role disabled: " + why + "; it cannot be moved aside: " + io.getMessage());
                return null;
            }
            // The ledger's message names the file and says what is wrong with it: not said twice here.
            banner.add("kms-agent: " + why + "; moved to " + aside + "; the host role starts with an empty ledger");
            try {
                return H2ActivationLedger.openFile(ledgerFile);
            } catch (LedgerException again) {
                banner.add("kms-agent: KMS host role disabled: a new ledger cannot be made either: "
                        + firstLine(again.getMessage()));
                return null;
            }
        }
    }

    /** Whether opening the ledger failed for what is in the file, not because another process holds it. */
    private static boolean isDamage(LedgerException e) {
        if (e instanceof LedgerAccessException) {
            return false; // intact, only not this account's to open: moving it aside would lose every pool
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("has schema version")) {
            return false; // a newer agent's ledger: not ours to move
        }
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof SQLException sql && sql.getErrorCode() == 90020) {
                return false; // DATABASE_ALREADY_OPEN: another process has it open
            }
        }
        return true;
    }

    private static String firstLine(String text) {
        return String.valueOf(text).lines().findFirst().orElse("").replaceAll(" \\[[0-9-]+]$", "");
    }

    /** The loaded families changed: the host model serves theirs, and the simulated machine reaches it again. */
    void families(List<LoadedFamily> families) {
        if (watchedHost != null) {
            watchedHost.families(families);
        }
        if (hostRole != null) {
            hostRole.families(families);
            if (licensing.site() != null) {
                attachHost();
            }
        }
    }

    private void attachHost() {
        LedgerKmsHost model = hostRole.model();
        licensing
                .site()
                .attachHost(
                        hostRole,
                        hostSettings.port(),
                        hostSettings.publishDns(),
                        model.config().hostKeys(),
                        model.config().licensePacks());
    }

    /** The host settings in force. */
    HostSettingsView hostSettings() {
        return hostSettings;
    }

    /** Puts {@code settings} in force (already saved). */
    void applySettings(HostSettingsView settings) {
        hostSettings = settings;
        if (hostRole != null) {
            hostRole.settings(toModel(settings));
            if (licensing.site() != null) {
                attachHost();
            }
        }
    }

    private static HostSettings toModel(HostSettingsView s) {
        return HostSettings.ofMinutes(
                s.activationIntervalMinutes(), s.renewalIntervalMinutes(), s.port(), s.publishDns());
    }

    /** The host model's view; the role off when it is not modelled. */
    HostView view(List<LoadedFamily> families, Instant now) {
        if (hostRole == null) {
            return new HostView(false, List.of(), List.of());
        }
        return hostRole.view(families, now);
    }

    /** The watched genuine host's view, when {@code host.mode} is watch. */
    Optional<GenuineHostView> watchedView(Instant now) {
        return watchedHost == null ? Optional.empty() : Optional.of(watchedHost.view(now));
    }

    /** Closes the ledger (and stops watching). */
    void close() {
        if (hostRole != null) {
            hostRole.close();
        }
        if (watchedHost != null) {
            watchedHost.close();
        }
    }
}
