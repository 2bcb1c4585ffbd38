package org.kmsagent.agent.live;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.kmsagent.agent.daemon.AgentState;
import org.kmsagent.agent.daemon.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's durable state as the daemon uses it: loaded once at start (a damaged file is said in the banner and
 * the agent starts empty), then saved through {@link StateStore} (atomic write) only when its content changed.
 * Machine thread only.
 */
final class StatePersistence {
    // The daemon's log lines keep the name they always had (docs/windows.md shows them).
    private static final Logger LOG = LoggerFactory.getLogger(LiveAgent.class);

    private final StateStore store;
    private final StartBanner banner;
    private AgentState state;
    private AgentState saved;
    private boolean damaged;

    @Inject
    StatePersistence(StateStore store, StartBanner banner) {
        this.store = store;
        this.banner = banner;
    }

    /** Reads the stored state; what cannot be read is reported and replaced by an empty state. */
    void load() {
        try {
            state = store.load();
        } catch (IOException e) {
            banner.add("kms-agent: " + e.getMessage());
            LOG.error("{}", e.getMessage());
            state = AgentState.empty();
            damaged = true;
        }
        saved = state;
    }

    /** Whether {@link #load} found the stored state damaged and moved it aside: whatever it held is not in force. */
    boolean damaged() {
        return damaged;
    }

    /** The state in force, or null before {@link #load}. */
    AgentState state() {
        return state;
    }

    /** Replaces the state in force without saving it (saved with the next change). */
    void replace(AgentState next) {
        state = next;
    }

    /** Saves {@code next} if it differs from what was last saved (a failure is logged), and puts it in force. */
    void saveIfChanged(AgentState next) {
        if (!sameContent(next, saved)) {
            try {
                saved = store.save(next);
                next = saved;
            } catch (IOException e) {
                LOG.error("the renewal schedule could not be saved to {}: {}", store.file(), e.toString());
            }
        }
        state = next;
    }

    /** Saves {@code next} now and puts it in force; on failure nothing changes. */
    void saveNow(AgentState next) throws IOException {
        saved = store.save(next);
        state = saved;
    }

    Path file() {
        return store.file();
    }

    private static boolean sameContent(AgentState a, AgentState b) {
        return b != null
                && a.products().equals(b.products())
                && Objects.equals(a.machine(), b.machine())
                && Objects.equals(a.hostSettings(), b.hostSettings());
    }
}
