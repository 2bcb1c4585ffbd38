package org.kmsagent.agent.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.licensing.LicenseDetails;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginFailure;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the status of every installed product of every loaded family through the family's own
 * {@link org.kmsagent.api.ActivationHandler} ({@code findInstalled}, then {@code status}), each call wrapped by
 * {@link LoadedFamily#call}. A family or product that fails is reported with its error; the others are still
 * read. Blocking (native calls): run off the event loop.
 */
public final class StatusReader {
    private static final Logger LOG = LoggerFactory.getLogger(StatusReader.class);
    private final LicensingStack stack;

    public StatusReader(LicensingStack stack) {
        this.stack = stack;
    }

    /** The report for these families; {@code stackReason} says which stack and why. */
    public StatusReport read(List<LoadedFamily> families, String stackReason) {
        List<FamilyStatus> out = new ArrayList<>();
        for (LoadedFamily family : families) {
            List<InstalledProduct> installed;
            try {
                installed = family.findInstalled(stack);
            } catch (LicensingException | PluginFailure e) {
                out.add(new FamilyStatus(family.id(), family.displayName(), List.of(), Optional.of(e.getMessage())));
                continue;
            }
            List<ProductStatus> products = new ArrayList<>();
            for (InstalledProduct p : installed) {
                try {
                    LicenseState state = family.call((ext, handler) -> handler.status(stack, p));
                    products.add(new ProductStatus(p, Optional.of(state), Optional.empty(), details(p)));
                } catch (LicensingException | PluginFailure e) {
                    products.add(new ProductStatus(p, Optional.empty(), Optional.of(e.getMessage())));
                }
            }
            out.add(new FamilyStatus(family.id(), family.displayName(), products, Optional.empty()));
        }
        return new StatusReport(stack.name(), stackReason, stack.machineName(), stack.windowsVersion(), out);
    }

    /**
     * The {@code slmgr /dlv} details, when the stack reads them. They add to the state, so a failure to read them
     * leaves them out (with a warning) rather than failing the product.
     */
    private Optional<LicenseDetails.Details> details(InstalledProduct p) {
        if (!(stack instanceof LicenseDetails d)) {
            return Optional.empty();
        }
        try {
            return d.licenseDetails(p);
        } catch (LicensingException | RuntimeException e) {
            LOG.warn("{}: the details slmgr /dlv shows could not be read: {}", p.name(), e.getMessage());
            return Optional.empty();
        }
    }
}
