package org.kmsagent.agent.live;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.core.text.Guids;
import org.kmsagent.agent.licensing.LicenseDetails;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client machine ids (CMIDs) this computer presents to KMS hosts, which count distinct CMIDs (docs/kms-rules.md
 * §1.2): what the hubs find cloned images by ({@code fleet duplicates}). The simulated machine's is stored with it;
 * Windows' are read once per licensing service (SPP, and OSPP for Office 2010 and 2013 on Windows 7) as {@code slmgr
 * /dlv} reads them, through the installed products' details ({@code ClientMachineID}).
 *
 * <p>Windows gives a machine a new CMID only at {@code sysprep /generalize} or {@code slmgr /rearm}, each finished by a
 * restart, so a CMID read is kept for the agent's life: the fleet link asks after every burst of events, and each
 * read is a licensing call. A service with no product installed has nothing to read through; it is asked again at
 * most once an hour. Machine thread only.
 */
final class MachineCmids {
    private static final Logger LOG = LoggerFactory.getLogger(LiveAgent.class);
    /** How long after a read that found a service's CMID missing the services are asked again. */
    static final Duration RETRY = Duration.ofHours(1);

    private final MachineLicensing licensing;
    private final ProductTracker tracker;
    private final Provider<PluginHost> plugins;
    private final Scheduler scheduler;
    private final Map<LicensingService, String> known = new EnumMap<>(LicensingService.class);
    private Instant lastRead;

    @Inject
    MachineCmids(
            MachineLicensing licensing, ProductTracker tracker, Provider<PluginHost> plugins, Scheduler scheduler) {
        this.licensing = licensing;
        this.tracker = tracker;
        this.plugins = plugins;
        this.scheduler = scheduler;
    }

    /** The CMIDs, lower case without braces (the form the hubs compare and a KMS host's event log shows). */
    List<String> current() {
        if (licensing.site() != null) {
            return List.of(licensing.site().machine().cmid().toString());
        }
        Instant now = scheduler.now();
        if (known.size() < LicensingService.values().length
                && (lastRead == null || !now.isBefore(lastRead.plus(RETRY)))) {
            lastRead = now;
            read();
        }
        return known.values().stream().distinct().toList();
    }

    /** Reads the CMID of each service not yet known, through the first installed product it holds. */
    private void read() {
        if (!(licensing.stack() instanceof LicenseDetails details)) {
            return;
        }
        for (LoadedFamily f : plugins.get().registry().families()) {
            for (InstalledProduct p : tracker.find(f)) {
                if (known.containsKey(p.service())) {
                    continue;
                }
                try {
                    details.licenseDetails(p)
                            .flatMap(LicenseDetails.Details::clientMachineId)
                            .flatMap(MachineCmids::normalised)
                            .ifPresent(cmid -> known.put(p.service(), cmid));
                } catch (LicensingException e) {
                    LOG.debug("could not read the CMID of {}: {}", p.service().displayName(), e.getMessage());
                }
            }
        }
    }

    /** {@code {2B1C...}} as {@code 2b1c...}; blank is none. */
    static Optional<String> normalised(String cmid) {
        String t = Guids.bare(cmid);
        return t.isEmpty() ? Optional.empty() : Optional.of(t.toLowerCase(Locale.ROOT));
    }
}
