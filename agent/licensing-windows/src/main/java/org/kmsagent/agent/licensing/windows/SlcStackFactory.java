package org.kmsagent.agent.licensing.windows;

import org.kmsagent.agent.licensing.LicensingStackFactory;
import org.kmsagent.agent.licensing.registry.RegistryException;
import org.kmsagent.agent.licensing.registry.RegistryKey;
import org.kmsagent.agent.licensing.registry.RegistryValue;
import org.kmsagent.agent.licensing.slc.HostCachingSetting;
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
                SlcClient::forService,
                new WmiLicensingWriter(),
                WindowsMachine.name(),
                WindowsMachine.version(buildNumber()),
                new HostCachingSetting("advapi32")::enabled);
    }

    /** Windows' build number from the registry, 0 when unreadable. */
    private static int buildNumber() {
        try {
            return RegistryKey.localMachine("advapi32", WindowsMachine.CURRENT_VERSION)
                    .value("CurrentBuildNumber")
                    .filter(RegistryValue.Sz.class::isInstance)
                    .map(v -> Integer.parseInt(((RegistryValue.Sz) v).text().trim()))
                    .orElse(0);
        } catch (RegistryException | RuntimeException | LinkageError e) {
            return 0;
        }
    }
}
