package org.kmsagent.agent.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free loopback ports for processes that a benchmark or a test starts and that bind them later (a hub's Hazelcast
 * member port, its bridge). A port from {@code new ServerSocket(0)} lies in the system's ephemeral range: once closed,
 * any socket bound to port 0 or any outgoing connection (another hub's event bus, its attempts to reach this member)
 * may take it before the child binds it. A hub that then cannot bind its member port moves to the next one, and its
 * peer's member list names a port where something else answers. These ports lie below the ephemeral range (Linux's
 * {@code ip_local_port_range}, 32768 by default; Windows' dynamic ports start at 49152), where the system hands out
 * nothing by itself.
 */
public final class LoopbackPorts {
    private static final int SPAN = 12_000;
    private static final int LOWEST = 1_024;
    private static final AtomicInteger NEXT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(SPAN));

    private LoopbackPorts() {}

    /** A port nothing listens on now, below the ephemeral range, a different one at each call in this process. */
    public static int free() {
        int top = ephemeralLow();
        int bottom = Math.max(LOWEST, top - SPAN);
        int span = top - bottom;
        for (int tries = 0; tries < span; tries++) {
            int port = bottom + Math.floorMod(NEXT.getAndIncrement(), span);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException inUse) {
                // taken (or reserved by the system): the next one
            }
        }
        throw new IllegalStateException("no free loopback port in " + bottom + "-" + (top - 1));
    }

    private static int ephemeralLow() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            if (Files.isReadable(range)) {
                int low = Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
                if (low > LOWEST + 1_000) {
                    return low;
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // the default below
        }
        return 32_768;
    }
}
