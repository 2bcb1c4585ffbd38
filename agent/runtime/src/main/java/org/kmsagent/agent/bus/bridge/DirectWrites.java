package org.kmsagent.agent.bus.bridge;

import io.vertx.core.net.NetSocket;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has a bridge connection write straight to its channel instead of through Vert.x's queue for writes from other
 * threads.
 *
 * <p>Why: Vert.x 5.0 gives every TCP socket a queue that lets any thread write to it, and the queue's first chunk (an
 * array of 1,025 slots, about 4 KB) is allocated with the socket whether anything is ever queued or not. A hub holds
 * ten thousand agents' sockets, so that array alone was a third of its heap per agent (docs/performance-log.md, "Runs
 * of 2026-12-02, afternoon"). The bridge never needs the queue: a connection is written to only from its own event loop
 * (its frames' replies, the subscriptions of its server instance, its timers and {@code revalidate}, which runs on the
 * connection's context). Vert.x has the same direct mode for its HTTP server ({@code HttpServerOptions}'s strict thread
 * mode) but no setting for a {@code NetServer}, so it is set here by reflection, on Vert.x 5.0's {@code
 * VertxConnection}.
 *
 * <p>If that class changes shape (another Vert.x) or the JVM refuses the reflection, the connection keeps Vert.x's
 * queue, which works the same at a few KB more per connection; the bridge logs once at debug level.
 *
 * <p>The rule this depends on: nothing may write to a bridge connection's socket from a thread other than its event
 * loop. Writes from elsewhere go through {@code Context.runOnContext} first, as {@code revalidate} does.
 */
final class DirectWrites {
    private static final Logger LOG = LoggerFactory.getLogger(DirectWrites.class);
    private static final String CONNECTION = "io.vertx.core.net.impl.VertxConnection";

    /** The connection's write queue field, or null when this Vert.x has none to replace. */
    private static final Field QUEUE;
    /** The direct queue's constructor, taking the connection. */
    private static final Constructor<?> DIRECT;

    private static volatile boolean available;

    static {
        Field queue = null;
        Constructor<?> direct = null;
        try {
            Class<?> connection = Class.forName(CONNECTION, false, NetSocket.class.getClassLoader());
            queue = connection.getDeclaredField("outboundMessageQueue");
            direct = Class.forName(CONNECTION + "$DirectOutboundMessageQueue", false, connection.getClassLoader())
                    .getDeclaredConstructor(connection);
            queue.setAccessible(true);
            direct.setAccessible(true);
            available = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("bridge: connections keep Vert.x's write queue ({})", e.toString());
            queue = null;
            direct = null;
        }
        QUEUE = queue;
        DIRECT = direct;
    }

    private DirectWrites() {}

    /**
     * Switches {@code socket}, just accepted and not yet written to, to direct writes. Call on its event loop.
     *
     * @return whether it writes directly now
     */
    static boolean apply(NetSocket socket) {
        if (!available || !QUEUE.getDeclaringClass().isInstance(socket)) {
            return false;
        }
        try {
            QUEUE.set(socket, DIRECT.newInstance(socket));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A JVM that makes final fields final (JEP 500) refuses the first set: stop trying.
            available = false;
            LOG.debug("bridge: connections keep Vert.x's write queue ({})", e.toString());
            return false;
        }
    }
}
