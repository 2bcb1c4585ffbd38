package org.kmsagent.plugins.office2021;

import org.kmsagent.api.CatalogFamily;
import org.pf4j.Extension;

/** Office LTSC 2021: its family id; everything else is in catalog.json beside this class. */
@Extension
public final class Office2021Family extends CatalogFamily {
    public Office2021Family() {
        super("office2021");
    }
}
