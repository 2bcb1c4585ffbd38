package org.kmsagent.agent.bus;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.bus.view.LicensingCallsView;
import org.kmsagent.agent.bus.view.PluginView;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.agent.bus.view.SkippedFileView;
import org.kmsagent.agent.host.GenuineHostView;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.ProductKey;

/**
 * What the control API can ask of the agent. The daemon binds it to the renewal loop, the host model and the plugin
 * host; {@link BusApi} turns requests into these calls and the returned views into JSON, so no plugin or domain type
 * travels on the bus.
 *
 * <p>Threading: every method is called on a Vert.x worker thread and may block (licensing calls go through JNA).
 * Changing methods are called one at a time. Failure: throw {@link ControlException} with a {@link BusCodes} code for
 * what the caller should see (unknown family: 404, refused by state: 409); {@link IllegalArgumentException} becomes a
 * 400 with its message; anything else a 500 with a generic message (the cause is logged). A method that throws must
 * leave the agent's state as it was.
 */
public interface AgentControl {

    /** This machine's products. */
    List<ProductView> products();

    /**
     * The client machine ids (CMIDs) this machine presents to KMS hosts: machines cloned without
     * {@code sysprep /generalize} share one, and a host counts them as one client (kms-rules.md §1.2). Empty when
     * the licensing stack cannot tell.
     */
    default List<String> clientMachineIds() {
        return List.of();
    }

    /**
     * {@code server} or {@code client}, from the threshold class of this machine's Windows editions (a server family
     * of any plugin counts); empty when no Windows edition is tracked. Default: empty.
     */
    default Optional<String> osClass() {
        return Optional.empty();
    }

    /**
     * The licensing calls abandoned at their deadline since start; empty when this agent puts no deadline on them.
     * Default: empty.
     */
    default Optional<LicensingCallsView> licensingCallTimeouts() {
        return Optional.empty();
    }

    /** The host model's pools and ledger; {@code enabled=false} and empty lists when the host role is off. */
    HostView host();

    /**
     * The genuine KMS host this agent watches (host.mode: watch); empty when it watches none. Default: none.
     */
    default Optional<GenuineHostView> watchedHost() {
        return Optional.empty();
    }

    /** Activates now: one family, or every family when empty. One result per product tried. */
    List<ActionResult> activate(Optional<String> family);

    /**
     * Installs the GVLK matching each installed edition of the family (every family when empty), or the given key.
     *
     * @param key a key to install instead of the catalog's GVLK; only with a family
     */
    List<ActionResult> installGvlk(Optional<String> family, Optional<ProductKey> key);

    /** Points one family (every family when empty) at a KMS endpoint; returns what is now set. */
    KmsEndpoint setKms(Optional<String> family, KmsEndpoint endpoint);

    /** Forgets the KMS endpoint of one family (every family when empty). */
    void clearKms(Optional<String> family);

    /** The host role's settings. */
    HostSettingsView hostSettings();

    /** Replaces the host role's settings (already range-checked by {@link HostSettingsView}); returns them. */
    HostSettingsView updateHostSettings(HostSettingsView settings);

    /** The plugins known to the plugin host. */
    List<PluginView> plugins();

    /**
     * The entries of the plugins folder, at its last scan, that are no plugin jar (a {@code .zip}, a folder): told
     * beside the plugins, never as failed ones.
     */
    List<SkippedFileView> skippedPluginFiles();

    /** Loads one plugin jar. */
    PluginView loadPlugin(Path jar);

    /** Unloads one plugin by id. */
    void unloadPlugin(String pluginId);

    /** Rescans the plugins directory; returns the plugins afterwards. */
    List<PluginView> rescanPlugins();
}
