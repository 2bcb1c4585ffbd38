package org.kmsagent.agent.link;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/** The WARN lines {@link Outbox} logs during a test ({@code @RegisterExtension}), in their formatted words. */
final class OutboxWarnings implements BeforeEachCallback, AfterEachCallback {
    private final Logger outboxLog = (Logger) LoggerFactory.getLogger(Outbox.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        logged.list.clear();
        logged.start();
        outboxLog.addAppender(logged);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        outboxLog.detachAppender(logged);
    }

    List<String> lines() {
        return logged.list.stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
