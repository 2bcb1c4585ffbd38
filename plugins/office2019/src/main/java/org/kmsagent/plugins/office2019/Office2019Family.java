package org.kmsagent.plugins.office2019;

import org.kmsagent.api.CatalogFamily;
import org.pf4j.Extension;

/** Office 2019: its family id; everything else is in catalog.json beside this class. */
@Extension
public final class Office2019Family extends CatalogFamily {
    public Office2019Family() {
        super("office2019");
    }
}
