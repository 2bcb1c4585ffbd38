package org.kmsagent.plugins.office2019;

import org.kmsagent.testkit.FamilyContract;

/** The family contract against the office2019 plugin as built. */
class Office2019FamilyTest extends FamilyContract {
    Office2019FamilyTest() {
        super(new Office2019Family());
    }
}
