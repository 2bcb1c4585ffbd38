package org.kmsagent.api;

import java.util.Objects;
import java.util.UUID;

/**
 * A pool of client machine ids that a KMS host counts together. A KMS host keeps one table per licensing
 * application (docs/kms-rules.md §1.4): Windows client and server share one, Office 2013 and every later Office
 * release share another, Office 2010 has its own. The core derives a family's pool from its catalog's application
 * id; plugins never declare one.
 *
 * @param id stable kebab-case id, e.g. {@code windows}, {@code office2013}
 * @param displayName a name for people
 * @param applicationId the licensing application id whose requests this pool counts
 */
public record CountPool(String id, String displayName, UUID applicationId) {
    public CountPool {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(applicationId, "applicationId");
        if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("count pool id must be kebab-case: '" + id + "'");
        }
    }
}
