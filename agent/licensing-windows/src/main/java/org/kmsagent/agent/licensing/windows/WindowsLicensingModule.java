package org.kmsagent.agent.licensing.windows;

import com.google.inject.AbstractModule;
import org.kmsagent.agent.licensing.LicensingStacks;

/** The licensing-windows module's contribution: {@code licensing: slc}, Windows' own licensing service. Only bindings. */
public final class WindowsLicensingModule extends AbstractModule {
    @Override
    protected void configure() {
        LicensingStacks.Binding.of(binder()).addBinding("slc").to(SlcStackFactory.class);
    }
}
