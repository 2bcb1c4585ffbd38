package org.kmsagent.agent.live;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.bus.AgentControl;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.bus.view.PluginView;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.agent.bus.view.SkippedFileView;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.daemon.AgentState;
import org.kmsagent.agent.host.GenuineHostView;
import org.kmsagent.agent.plugin.FamilyRegistry;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginFailure;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.plugin.PluginProblem;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.ProductKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API as {@code ctl} reaches it through the bus: each request is handed to the machine thread and waited
 * for ({@link MachineAccess}), answered from the tracked products, the plugin host and the host role, and followed by
 * a save when it changed something.
 */
final class LiveControl implements AgentControl {
    // The daemon's log lines keep the name they always had (docs/windows.md shows them).
    private static final Logger LOG = LoggerFactory.getLogger(LiveAgent.class);

    private final MachineAccess machine;
    private final Scheduler scheduler;
    private final ProductTracker tracker;
    private final MachineLicensing licensing;
    private final HostRoleRunner hosts;
    private final StatePersistence persistence;
    private final Provider<PluginHost> plugins;
    private final MachineCmids cmids;

    @Inject
    LiveControl(
            MachineAccess machine,
            Scheduler scheduler,
            ProductTracker tracker,
            MachineLicensing licensing,
            HostRoleRunner hosts,
            StatePersistence persistence,
            Provider<PluginHost> plugins,
            MachineCmids cmids) {
        this.plugins = plugins;
        this.cmids = cmids;
        this.machine = machine;
        this.scheduler = scheduler;
        this.tracker = tracker;
        this.licensing = licensing;
        this.hosts = hosts;
        this.persistence = persistence;
    }

    /** The plugin host the plugin requests act on (made at start, on the machine thread). */
    private PluginHost pluginHost() {
        return plugins.get();
    }

    @Override
    public List<ProductView> products() {
        return machine.onMachine(tracker::productViews);
    }

    @Override
    public List<String> clientMachineIds() {
        return machine.onMachine(cmids::current);
    }

    @Override
    public Optional<String> osClass() {
        return machine.onMachine(tracker::osClass);
    }

    @Override
    public Optional<GenuineHostView> watchedHost() {
        return machine.onMachine(() -> hosts.watchedView(scheduler.now()));
    }

    @Override
    public HostView host() {
        return machine.onMachine(() -> hosts.view(pluginHost().registry().families(), scheduler.now()));
    }

    @Override
    public List<ActionResult> activate(Optional<String> family) {
        return machine.onMachine(() -> {
            List<ActionResult> out = tracker.activate(select(family));
            tracker.persist();
            return out;
        });
    }

    @Override
    public List<ActionResult> installGvlk(Optional<String> family, Optional<ProductKey> key) {
        return machine.onMachine(() -> {
            List<LoadedFamily> chosen = select(family);
            List<ActionResult> out = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            Map<LoadedFamily, List<InstalledProduct>> installed = new LinkedHashMap<>();
            for (LoadedFamily f : chosen) {
                installed.put(f, tracker.find(f));
                if (key.isPresent()) {
                    // Refused before anything is installed: the licensing service would put another family's GVLK
                    // on that family's product and this reply would say it was done for this one.
                    GivenKeys.check(
                            key.get(),
                            f,
                            installed.get(f),
                            pluginHost().registry().families());
                }
            }
            for (LoadedFamily f : chosen) {
                for (InstalledProduct p : installed.get(f)) {
                    try {
                        String message = f.call((ext, h) -> {
                            if (key.isPresent()) {
                                h.installKey(licensing.stack(), p, key.get());
                                return "installed " + key.get();
                            }
                            return h.installGvlk(licensing.stack(), p, f.catalog())
                                    ? "installed "
                                            + f.catalog()
                                                    .bySkuId(p.skuId())
                                                    .map(s -> s.gvlk().toString())
                                                    .orElse("the GVLK")
                                    : null;
                        });
                        if (message != null) {
                            changed.add(AgentState.key(f.id(), p.skuId().toString()));
                        }
                        out.add(new ActionResult(
                                f.id(),
                                p.name(),
                                true,
                                HResult.S_OK.hex(),
                                message == null
                                        ? "the GVLK is already installed"
                                        : message + "; activation is attempted now (see ctl status)"));
                    } catch (LicensingException e) {
                        out.add(new ActionResult(
                                f.id(), p.name(), false, e.hresult().hex(), e.getMessage()));
                    } catch (PluginFailure e) {
                        out.add(new ActionResult(
                                f.id(), p.name(), false, null, "the family's plugin failed: " + e.getMessage()));
                    }
                    if (key.isPresent()) {
                        break; // the licensing service installs one key once; it finds the edition itself
                    }
                }
            }
            tracker.keyInstalled(changed);
            tracker.persist();
            return out;
        });
    }

    @Override
    public KmsEndpoint setKms(Optional<String> family, KmsEndpoint endpoint) {
        return machine.onMachine(() -> {
            pointAll(select(family), endpoint);
            return endpoint;
        });
    }

    @Override
    public void clearKms(Optional<String> family) {
        machine.onMachine(() -> {
            // slmgr /ckms: the product goes back to finding its host through DNS (docs/kms-rules.md §2.5).
            pointAll(select(family), KmsEndpoint.discovery());
            return null;
        });
    }

    private void pointAll(List<LoadedFamily> families, KmsEndpoint endpoint) throws LicensingException {
        for (LoadedFamily f : families) {
            for (InstalledProduct p : tracker.find(f)) {
                try {
                    f.call((ext, h) -> {
                        h.pointAt(licensing.stack(), p, endpoint);
                        return null;
                    });
                } catch (PluginFailure e) {
                    throw new ControlException(BusCodes.INTERNAL, "family " + f.id() + ": " + e.getMessage());
                }
            }
        }
        tracker.persist();
    }

    @Override
    public HostSettingsView hostSettings() {
        return machine.onMachine(hosts::hostSettings);
    }

    @Override
    public HostSettingsView updateHostSettings(HostSettingsView settings) {
        return machine.onMachine(() -> {
            HostSettingsView configured = hosts.configuredSettings();
            AgentState next = persistence
                    .state()
                    .withHostSettings(
                            settings.equals(configured)
                                    ? null
                                    : new AgentState.StoredHostSettings(configured, settings));
            try {
                persistence.saveNow(next);
            } catch (IOException e) {
                // Refused as a whole: the settings in force stay as they were.
                LOG.error("host settings could not be saved to {}: {}", persistence.file(), e.toString());
                throw new ControlException(BusCodes.INTERNAL, "the settings could not be stored; nothing was changed");
            }
            hosts.applySettings(settings);
            return settings;
        });
    }

    @Override
    public List<PluginView> plugins() {
        return machine.onMachine(this::pluginViews);
    }

    /**
     * One view per plugin id: a loaded plugin with the jars of its id that failed as its notes (a copy, or another
     * version, refused while it serves: its products are renewed, so it is no FAILED entry, which the failures gauge
     * and its critical alert count); a plugin id no jar of which loaded as FAILED, its first jar's failure the reason
     * and the others' its notes. Two rows of one id read as two plugins, and the hub's versions of an agent took the
     * failed row's (none).
     */
    private List<PluginView> pluginViews() {
        Map<String, List<PluginProblem>> byId = pluginHost().problemsById();
        List<PluginView> out = new ArrayList<>();
        for (LoadedFamily f : pluginHost().registry().families()) {
            out.add(loadedView(f, byId.get(f.pluginId())));
        }
        for (String id : pluginHost().failedPlugins()) {
            List<PluginProblem> jars = byId.get(id);
            out.add(new PluginView(
                    id, null, "FAILED", List.of(), jars.get(0).message(), notes(jars.subList(1, jars.size()))));
        }
        return out;
    }

    private static PluginView loadedView(LoadedFamily f, List<PluginProblem> failed) {
        return new PluginView(
                f.pluginId(),
                f.pluginVersion(),
                "STARTED",
                List.of(f.id()),
                null,
                failed == null ? List.of() : notes(failed));
    }

    private static List<String> notes(List<PluginProblem> failed) {
        return failed.stream().map(p -> "not loaded: " + p.message()).toList();
    }

    @Override
    public List<SkippedFileView> skippedPluginFiles() {
        return machine.onMachine(() -> pluginHost().skipped().stream()
                .map(s -> new SkippedFileView(s.name(), s.reason()))
                .toList());
    }

    @Override
    public PluginView loadPlugin(Path requested) {
        return machine.onMachine(() -> {
            Path jar = inPluginsDirectory(pluginHost().directory(), requested);
            if (!Files.isRegularFile(jar)) {
                throw ControlException.notFound("no such plugin jar: " + jar);
            }
            Optional<LoadedFamily> f;
            try {
                f = pluginHost().load(jar);
            } catch (IllegalStateException e) {
                throw ControlException.conflict(e.getMessage()); // loaded already: nothing changed
            }
            if (f.isEmpty()) {
                Path abs = jar.toAbsolutePath().normalize();
                String why = pluginHost().problems().stream()
                        .filter(p -> p.jar().equals(abs))
                        .map(PluginProblem::message)
                        .findFirst()
                        .orElse("not loaded");
                throw ControlException.conflict(why);
            }
            return loadedView(f.get(), pluginHost().problemsById().get(f.get().pluginId()));
        });
    }

    /**
     * The jar a load request names, which must be a file directly in the plugins directory: a relative name is taken
     * there, an absolute path elsewhere is refused (400), so an admin token cannot make the agent run code from any
     * file it can read (a download folder, a share).
     */
    static Path inPluginsDirectory(Path directory, Path jar) {
        Path dir = directory.toAbsolutePath().normalize();
        Path path = (jar.isAbsolute() ? jar : dir.resolve(jar)).normalize();
        if (!dir.equals(path.getParent())) {
            // 400, not 403: a path mistake, which ctl would report as "not authorised" (exit 3) to a script.
            throw new ControlException(
                    BusCodes.BAD_REQUEST,
                    "path: "
                            + BoundedInput.shown(jar.toString())
                            + " is not in the plugins directory " + dir
                            + "; copy the jar there, then load it by name or run 'plugins rescan'");
        }
        return path;
    }

    @Override
    public void unloadPlugin(String pluginId) {
        machine.onMachine(() -> {
            if (!pluginHost().unload(pluginId)) {
                throw ControlException.notFound("no loaded plugin '" + BoundedInput.shown(pluginId) + "' (loaded: "
                        + FamilyRegistry.ids(pluginHost().registry().families()) + ")");
            }
            return null;
        });
    }

    @Override
    public List<PluginView> rescanPlugins() {
        return machine.onMachine(() -> {
            pluginHost().rescan();
            return pluginViews();
        });
    }

    private List<LoadedFamily> select(Optional<String> family) {
        if (family.isEmpty()) {
            return pluginHost().registry().families();
        }
        FamilyRegistry registry = pluginHost().registry();
        return List.of(registry.family(family.get())
                .orElseThrow(() -> ControlException.notFound(registry.notLoaded(family.get()))));
    }
}
