package org.kmsagent.agent.licensing.windows;

import org.kmsagent.agent.licensing.LicensingStackFactory;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.licensing.slc.WindowsMachine;
import org.kmsagent.agent.licensing.wmi.WmiLicensingWriter;
import org.kmsagent.api.LicensingStack;

/** This computer's licensing service through SLC (reads) and WMI (writes); the native libraries load on first use. */
public final class SlcStackFactory implements LicensingStackFactory {
    @Override
    public LicensingStack create() {
        return new SlcLicensingStack(
                SlcClient::forService, new WmiLicensingWriter(), WindowsMachine.name(), WindowsMachine.version());
    }
}
