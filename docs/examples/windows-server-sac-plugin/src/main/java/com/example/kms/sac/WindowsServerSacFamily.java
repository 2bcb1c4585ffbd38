package com.example.kms.sac;

import org.kmsagent.api.CatalogFamily;
import org.pf4j.Extension;

/**
 * Windows Server Semi-Annual Channel as a third-party family: its id, and everything else in {@code catalog.json}
 * beside this class. Its editions ask under Windows' application id, so the agent counts them in the Windows pool
 * with the bundled client and server families.
 */
@Extension
public final class WindowsServerSacFamily extends CatalogFamily {
    public WindowsServerSacFamily() {
        super("windows-server-sac");
    }
}
