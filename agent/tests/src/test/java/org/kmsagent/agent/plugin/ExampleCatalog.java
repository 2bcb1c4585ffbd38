package org.kmsagent.agent.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import org.kmsagent.api.SkuCatalog;

/** A small valid catalog for the reader's tests, and the reader every plugin's catalog goes through. */
final class ExampleCatalog {
    private ExampleCatalog() {}

    /** One edition and one host key, one field to a line: line 1 is the opening brace (messages give lines). */
    static final String VALID = """
            {
              "displayName": "Example",
              "applicationId": "0ff1ce15-a989-479d-af46-f275c6370663",
              "licensingService": { "windows7AndOlder": "OSPP", "windows8AndLater": "SPP" },
              "gracePeriodDays": 30,
              "productGroups": [ { "name": "Example", "kmsId": "e6a6f1bf-9d40-40c3-aa9f-c77ba21578c0" } ],
              "skus": [ {
                "name": "Example Professional Plus",
                "product": "Example",
                "edition": "Professional Plus",
                "gvlk": "YC7DK-G2NP3-2QQC3-J6H88-GVGXT",
                "group": "Example",
                "thresholdClass": "office"
              } ],
              "hostKeys": [ { "name": "Example host", "generation": 1, "activates": [ "Example" ] } ]
            }
            """;

    /** {@code text} read as a plugin's catalog.json in {@code dir}. */
    static SkuCatalog read(Path dir, String text) throws Exception {
        Path file = Files.writeString(dir.resolve("catalog.json"), text);
        return new CatalogReader().read("example", file.toUri().toURL());
    }
}
