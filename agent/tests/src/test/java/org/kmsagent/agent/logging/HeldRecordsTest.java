package org.kmsagent.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Held records are the named ERROR messages of one logger only: a hub drops Vert.x's two records of a failed cluster
 * start when it reports that failure itself; any other failure still shows them, and no other record waits.
 */
class HeldRecordsTest {

    @Test
    void heldRecordsAreDroppedWhenTheCallerReportsAndLoggedWhenItDoesNot() {
        String name = "held-" + UUID.randomUUID();
        Logger library = (Logger) LoggerFactory.getLogger(name);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        library.addAppender(seen);
        try {
            try (HeldRecords held = HeldRecords.hold(name, Set.of("Failed to start"))) {
                library.error("Failed to start", new IllegalStateException("inner"));
                library.error("Something else failed");
                library.warn("Failed to start");
                assertThat(seen.list)
                        .extracting(ILoggingEvent::getFormattedMessage)
                        .containsExactly("Something else failed", "Failed to start");
                assertThat(held.count()).isEqualTo(1);
                held.drop();
            }
            library.error("Failed to start");
            assertThat(seen.list).hasSize(3);

            seen.list.clear();
            try (HeldRecords held = HeldRecords.hold(name, Set.of("Failed to start"))) {
                library.error("Failed to start", new IllegalStateException("inner"));
                assertThat(seen.list).isEmpty();
            }
            assertThat(seen.list).singleElement().satisfies(e -> {
                assertThat(e.getFormattedMessage()).isEqualTo("Failed to start");
                assertThat(e.getThrowableProxy().getMessage()).isEqualTo("inner");
            });
        } finally {
            library.detachAppender(seen);
        }
    }
}
