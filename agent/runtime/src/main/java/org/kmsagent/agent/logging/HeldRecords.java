package org.kmsagent.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Holds back a library's ERROR records with given messages from one logger while a step runs whose failure the caller
 * reports itself, in one line: if the step fails that way, the caller {@linkplain #drop drops} them; otherwise
 * {@link #close} logs them as they came. Every other record of that logger, and of every other, passes as always.
 *
 * <p>A hub whose cluster join failed got, after its own one-line reason, Vert.x's "Failed to initialize clustered
 * Vert.x" with Hazelcast's stack trace and "Failed to leave cluster" with a NullPointerException from inside
 * vertx-hazelcast ({@code FleetCluster}). Only where logback is the binding; elsewhere this holds nothing.
 * Thread-safe: the records come from the library's threads.
 */
public final class HeldRecords implements AutoCloseable {
    private record Held(Logger logger, Level level, String message, Object[] params, Throwable thrown) {}

    private final LoggerContext context;
    private final Filter filter;
    private final List<Held> held = new CopyOnWriteArrayList<>();
    private volatile boolean dropped;

    private HeldRecords(LoggerContext context, String logger, Set<String> messages) {
        this.context = context;
        this.filter = context == null ? null : new Filter(logger, messages);
        if (filter != null) {
            filter.setContext(context);
            filter.start();
            context.addTurboFilter(filter);
        }
    }

    /** Starts holding {@code logger}'s ERROR records whose message is one of {@code messages}. */
    public static HeldRecords hold(String logger, Set<String> messages) {
        return new HeldRecords(
                LoggerFactory.getILoggerFactory() instanceof LoggerContext c ? c : null, logger, messages);
    }

    /** How many records are held so far. */
    public int count() {
        return held.size();
    }

    /** The caller reports the failure itself: what was held (and is held until {@link #close}) is never logged. */
    public void drop() {
        dropped = true;
        held.clear();
    }

    /** Stops holding; unless {@linkplain #drop dropped}, logs what was held, in order. */
    @Override
    public void close() {
        if (filter == null) {
            return;
        }
        context.getTurboFilterList().remove(filter);
        if (dropped) {
            return;
        }
        for (Held h : held) {
            if (h.logger().isEnabledFor(h.level())) {
                h.logger()
                        .callAppenders(new LoggingEvent(
                                Logger.FQCN, h.logger(), h.level(), h.message(), h.thrown(), h.params()));
            }
        }
        held.clear();
    }

    private final class Filter extends TurboFilter {
        private final String logger;
        private final Set<String> messages;

        Filter(String logger, Set<String> messages) {
            this.logger = logger;
            this.messages = Set.copyOf(messages);
        }

        @Override
        public FilterReply decide(
                Marker marker, Logger from, Level level, String format, Object[] params, Throwable t) {
            if (level != Level.ERROR
                    || format == null
                    || !from.getName().equals(logger)
                    || !messages.contains(format)) {
                return FilterReply.NEUTRAL;
            }
            if (!dropped) {
                held.add(new Held(from, level, format, params, t));
            }
            return FilterReply.DENY;
        }
    }
}
