package org.kmsagent.plugins.office2024;

import org.kmsagent.api.CatalogFamily;
import org.pf4j.Extension;

/** Office LTSC 2024: its family id; everything else is in catalog.json beside this class. */
@Extension
public final class Office2024Family extends CatalogFamily {
    public Office2024Family() {
        super("office2024");
    }
}
