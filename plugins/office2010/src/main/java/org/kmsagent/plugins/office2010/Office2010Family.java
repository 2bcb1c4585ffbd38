package org.kmsagent.plugins.office2010;

import org.kmsagent.api.CatalogFamily;
import org.pf4j.Extension;

/** Office 2010: its family id; everything else is in catalog.json beside this class. */
@Extension
public final class Office2010Family extends CatalogFamily {
    public Office2010Family() {
        super("office2010");
    }
}
