package org.kmsagent.agent.daemon;

import java.util.function.IntSupplier;
import org.kmsagent.agent.bus.bridge.AgentBridge;

/**
 * The bridge's connection count for the metrics: 0 until it listens, and for good when it stays off. The counters
 * start before the bridge (they must see the renewal loops' first attempts), hence this late link.
 */
final class BridgeConnections implements IntSupplier {
    private volatile AgentBridge bridge;

    void listening(AgentBridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public int getAsInt() {
        AgentBridge b = bridge;
        return b == null ? 0 : b.connectionCount();
    }
}
