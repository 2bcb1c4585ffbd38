package org.kmsagent.agent.command;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.kmsagent.agent.plugin.PluginHost;

/**
 * A command's hold on the plugins its command line loaded ({@link GlobalOptions#loadPlugins()}). The command line
 * loads them once and keeps the host open while any command holds a lease on it, so that a command another runs
 * ({@code simulate --from-hub} runs {@code ctl fleet snapshot}) uses the plugins already loaded instead of loading
 * them again; the last lease closed closes the host. Closing a lease twice lets go once.
 */
public final class PluginLease implements AutoCloseable {
    private final PluginHost host;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param release called once, when this lease is closed
     */
    public PluginLease(PluginHost host, Runnable release) {
        this.host = Objects.requireNonNull(host, "host");
        this.release = Objects.requireNonNull(release, "release");
    }

    /** The plugins: open until this lease is closed. */
    public PluginHost host() {
        return host;
    }

    /** Lets go of the plugins; they are closed when no other command holds them. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
