package org.kmsagent.agent.bus.bridge;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.kmsagent.agent.ctl.ServerTrust;

/** A TLS socket that writes whatever bytes a test wants, for frames no well-behaved client would send. */
final class RawBridgeClient implements AutoCloseable {
    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawBridgeClient(int port, String fingerprint) throws Exception {
        socket = (SSLSocket)
                new ServerTrust.Pinned(fingerprint).context().getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void sendFrame(JsonObject frame) throws IOException {
        out.write(Frames.bytes(frame));
        out.flush();
    }

    void writeLength(int length) throws IOException {
        out.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        out.flush();
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    JsonObject readFrame() throws IOException {
        return Frames.read(in, Integer.MAX_VALUE);
    }

    /**
     * Whether the agent has closed the connection: reads to the end of the stream, and is false when the socket is
     * still open after the read timeout (10 s without a byte).
     */
    boolean closedByAgent() throws IOException {
        try {
            while (true) {
                if (readFrameOrEnd().isEmpty()) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false; // still open
        } catch (SocketException e) {
            return true; // reset
        }
    }

    Optional<JsonObject> readFrameOrEnd() throws IOException {
        try {
            return Optional.of(readFrame());
        } catch (EOFException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
