package org.kmsagent.plugins.office2013;

import org.kmsagent.api.CatalogFamily;
import org.pf4j.Extension;

/** Office 2013: its family id; everything else is in catalog.json beside this class. */
@Extension
public final class Office2013Family extends CatalogFamily {
    public Office2013Family() {
        super("office2013");
    }
}
