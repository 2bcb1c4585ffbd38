package org.kmsagent.agent.live;

import java.net.URL;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.CatalogFamily;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicensingStack;

/**
 * The windows-client family with a bug: its handler throws whenever the product's state is read. Put into a copy of
 * the built windows-client jar (as its one extension) by {@link PluginFaultIT}.
 */
public final class StatusThrowingFamily extends CatalogFamily {
    public StatusThrowingFamily() {
        super("windows-client");
    }

    @Override
    public URL catalogResource() {
        return getClass().getResource("/org/kmsagent/plugins/windowsclient/catalog.json");
    }

    @Override
    public ActivationHandler activationHandler() {
        return new Handler();
    }

    /** The handler (a class of its own, so that the test can put it in the jar beside the family). */
    public static final class Handler implements ActivationHandler {
        @Override
        public LicenseState status(LicensingStack stack, InstalledProduct product) {
            throw new UnsupportedOperationException("status not written yet");
        }
    }
}
