package org.kmsagent.agent.plugin;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.CountPool;

/**
 * Derives a family's count pool from its application id. A KMS host keeps one count per licensing application
 * (docs/kms-rules.md §1.4), so families that share an application id share a pool, whatever their catalogs say
 * about anything else: Windows client and server share {@code windows}; Office 2013 and every later release share
 * {@code office}; Office 2010 counts alone.
 */
public final class CountPools {
    private CountPools() {}

    /** The pool of that application: a named one for Microsoft's three, otherwise one named after the id. */
    public static CountPool forApplication(UUID applicationId) {
        if (applicationId.equals(KmsRules.WINDOWS_APPLICATION)) {
            return new CountPool("windows", "Windows", applicationId);
        }
        if (applicationId.equals(KmsRules.OFFICE_2013_AND_LATER_APPLICATION)) {
            return new CountPool("office", "Office 2013 and later", applicationId);
        }
        if (applicationId.equals(KmsRules.OFFICE_2010_APPLICATION)) {
            return new CountPool("office2010", "Office 2010", applicationId);
        }
        String shortId = applicationId.toString().substring(0, 8).toLowerCase(Locale.ROOT);
        return new CountPool("app-" + shortId, "Application " + applicationId, applicationId);
    }

    /**
     * The application a pool id names, for Microsoft's three named pools: what a ledger that holds a pool no loaded
     * family uses (its plugin taken out) can still say of it. Empty for any other id ({@code app-…} names only the
     * start of its application id).
     */
    public static Optional<UUID> applicationOf(String poolId) {
        for (UUID app : new UUID[] {
            KmsRules.WINDOWS_APPLICATION, KmsRules.OFFICE_2013_AND_LATER_APPLICATION, KmsRules.OFFICE_2010_APPLICATION
        }) {
            if (forApplication(app).id().equals(poolId)) {
                return Optional.of(app);
            }
        }
        return Optional.empty();
    }
}
