package org.kmsagent.plugins.windowsserver;

import org.kmsagent.api.CatalogFamily;
import org.pf4j.Extension;

/** Windows Server: its family id; everything else is in catalog.json beside this class. */
@Extension
public final class WindowsServerFamily extends CatalogFamily {
    public WindowsServerFamily() {
        super("windows-server");
    }
}
