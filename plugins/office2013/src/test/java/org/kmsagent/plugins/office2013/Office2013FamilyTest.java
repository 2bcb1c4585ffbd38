package org.kmsagent.plugins.office2013;

import org.kmsagent.testkit.FamilyContract;

/** The family contract against the office2013 plugin as built. */
class Office2013FamilyTest extends FamilyContract {
    Office2013FamilyTest() {
        super(new Office2013Family());
    }
}
