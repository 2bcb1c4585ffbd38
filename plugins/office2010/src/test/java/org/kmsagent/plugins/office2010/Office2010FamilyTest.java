package org.kmsagent.plugins.office2010;

import org.kmsagent.testkit.FamilyContract;

/** The family contract against the office2010 plugin as built. */
class Office2010FamilyTest extends FamilyContract {
    Office2010FamilyTest() {
        super(new Office2010Family());
    }
}
