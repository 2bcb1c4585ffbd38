package org.kmsagent.plugins.office2024;

import org.kmsagent.testkit.FamilyContract;

/** The family contract against the office2024 plugin as built. */
class Office2024FamilyTest extends FamilyContract {
    Office2024FamilyTest() {
        super(new Office2024Family());
    }
}
