package org.kmsagent.agent.doctor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.kmsagent.agent.rules.SrvRecord;

/**
 * A tiny authoritative DNS server on 127.0.0.1 for tests: answers SRV queries from a zone the test sets and
 * NXDOMAIN for every other name. UDP only, one thread, closed by {@link #close()}.
 */
public final class LoopbackDnsServer implements AutoCloseable {
    private static final int TYPE_SRV = 33;

    private final DatagramSocket socket;
    private final Map<String, List<SrvRecord>> zone = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final Thread thread;

    public LoopbackDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    /** Publishes SRV records under {@code name} (e.g. {@code _vlmcs._tcp.corp.test}). */
    public void srv(String name, SrvRecord... records) {
        zone.put(name.toLowerCase(Locale.ROOT), List.of(records));
    }

    /** {@code 127.0.0.1:port}, as {@code --dns-server} takes it. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /**
     * {@code doctor}'s options that keep its DNS discovery on this server: {@code --dns-server} here and
     * {@code --domain corp.test}, without which doctor would ask the system's resolvers for the machine's domain and
     * its {@code _vlmcs._tcp} record (a query off loopback, answered by whatever the build machine's network holds).
     */
    public List<String> doctorOptions() {
        return List.of("--dns-server", address(), "--domain", "corp.test");
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
    }

    /** How many queries arrived (proves the lookup was real). */
    public int queries() {
        return queries.get();
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(in);
                queries.incrementAndGet();
                byte[] reply = answer(buf, in.getLength());
                socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(byte[] q, int len) {
        int pos = 12;
        StringBuilder name = new StringBuilder();
        while (q[pos] != 0) {
            int l = q[pos] & 0xff;
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(q, pos + 1, l, StandardCharsets.US_ASCII));
            pos += l + 1;
        }
        pos++;
        int qtype = ((q[pos] & 0xff) << 8) | (q[pos + 1] & 0xff);
        int questionEnd = pos + 4;
        List<SrvRecord> records = zone.get(name.toString().toLowerCase(Locale.ROOT));
        boolean found = records != null;
        List<SrvRecord> answers = found && qtype == TYPE_SRV ? records : List.of();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(q[0]);
        out.write(q[1]);
        out.write(0x84 | (q[2] & 0x01)); // QR, AA, RD copied
        out.write(found ? 0x00 : 0x03); // NOERROR or NXDOMAIN
        short16(out, 1);
        short16(out, answers.size());
        short16(out, 0);
        short16(out, 0);
        out.write(q, 12, questionEnd - 12);
        for (SrvRecord r : answers) {
            short16(out, 0xC00C); // the question's name
            short16(out, TYPE_SRV);
            short16(out, 1);
            short16(out, 0);
            short16(out, 300);
            byte[] target = labels(r.target());
            short16(out, 6 + target.length);
            short16(out, r.priority());
            short16(out, r.weight());
            short16(out, r.port());
            out.write(target, 0, target.length);
        }
        return out.toByteArray();
    }

    private static byte[] labels(String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            b.write(l.length);
            b.write(l, 0, l.length);
        }
        b.write(0);
        return b.toByteArray();
    }

    private static void short16(ByteArrayOutputStream out, int v) {
        out.write((v >> 8) & 0xff);
        out.write(v & 0xff);
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5_000);
    }
}
