package org.kmsagent.plugins.windowsclient;

import org.kmsagent.api.CatalogFamily;
import org.pf4j.Extension;

/** Windows client: its family id; everything else is in catalog.json beside this class. */
@Extension
public final class WindowsClientFamily extends CatalogFamily {
    public WindowsClientFamily() {
        super("windows-client");
    }
}
