package org.kmsagent.plugins.windowsserver;

import org.kmsagent.testkit.FamilyContract;

/** The family contract against the windows-server plugin as built. */
class WindowsServerFamilyTest extends FamilyContract {
    WindowsServerFamilyTest() {
        super(new WindowsServerFamily());
    }
}
