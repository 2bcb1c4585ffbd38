package org.kmsagent.plugins.office2016;

import org.kmsagent.testkit.FamilyContract;

/** The family contract against the office2016 plugin as built. */
class Office2016FamilyTest extends FamilyContract {
    Office2016FamilyTest() {
        super(new Office2016Family());
    }
}
