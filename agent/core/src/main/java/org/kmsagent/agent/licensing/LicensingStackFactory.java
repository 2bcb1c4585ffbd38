package org.kmsagent.agent.licensing;

import org.kmsagent.api.LicensingStack;

/**
 * Builds one kind of licensing stack. A licensing module contributes its factory to {@link LicensingStacks} under the
 * {@code licensing} value that selects it ({@code LicensingStacks.Binding.of(binder()).addBinding("slc")}); only the
 * chosen factory is called, since a stack may load native libraries.
 */
@FunctionalInterface
public interface LicensingStackFactory {
    /** A new stack. */
    LicensingStack create();
}
