package org.kmsagent.plugins.windowsclient;

import org.kmsagent.testkit.FamilyContract;

/** The family contract against the windows-client plugin as built. */
class WindowsClientFamilyTest extends FamilyContract {
    WindowsClientFamilyTest() {
        super(new WindowsClientFamily());
    }
}
