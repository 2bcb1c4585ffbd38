package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.view.ProductView;

/**
 * A product installed on a running machine (Office added after the agent started) is followed from the agent's next
 * look for products, which it takes every activation interval; it waited for the agent's restart, in grace and then
 * in notification.
 */
class ProductsInstalledLaterIT {
    @TempDir
    Path dir;

    @Test
    void officeInstalledAfterTheStartGetsItsOwnRenewalLoop() throws Exception {
        // Its family's configured KMS host is set on it, as at the start: a product found later was left to DNS.
        try (LiveFixture f = LiveFixture.start(dir.resolve("data"), "renewal.families.office2013.kms=kms1.corp:1688")) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> f.agent.products().stream()
                            .anyMatch(p -> p.family().equals("windows-client") && p.lastResult() != null));
            assertThat(f.agent.products()).noneMatch(p -> p.family().equals("office2013"));

            f.agent.installOnSimulatedMachine("office2013", "Office 2013 Professional Plus");
            f.agent.lookForProductsNow();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> f.agent.products().stream()
                            .anyMatch(p -> p.family().equals("office2013") && p.lastResult() != null));
            assertThat(f.agent.products())
                    .filteredOn(p -> p.family().equals("office2013"))
                    .singleElement()
                    .satisfies(p -> assertThat(p.kms()).contains("kms1.corp"));
            // Looked for again, nothing new: one loop each, not a second one for either.
            f.agent.lookForProductsNow();
            assertThat(f.agent.products().stream().map(ProductView::family))
                    .containsOnlyOnce("windows-client", "office2013");
        }
    }
}
