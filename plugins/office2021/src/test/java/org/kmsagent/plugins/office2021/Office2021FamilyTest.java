package org.kmsagent.plugins.office2021;

import org.kmsagent.testkit.FamilyContract;

/** The family contract against the office2021 plugin as built. */
class Office2021FamilyTest extends FamilyContract {
    Office2021FamilyTest() {
        super(new Office2021Family());
    }
}
