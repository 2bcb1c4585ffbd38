package org.kmsagent.plugins.office2016;

import org.kmsagent.api.CatalogFamily;
import org.pf4j.Extension;

/** Office 2016: its family id; everything else is in catalog.json beside this class. */
@Extension
public final class Office2016Family extends CatalogFamily {
    public Office2016Family() {
        super("office2016");
    }
}
