package org.kmsagent.agent.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a file of JSON lines the agent writes (the fleet outbox, the audit log), read one at a time, each held
 * only up to a bound: a longer line, which the agent never writes (damage, an edit, a file put there by hand), is
 * passed over and reported as too long without being held, so a damaged file of any size costs the reader a buffer
 * and one line of at most the bound. (Reading the file whole, or by {@code BufferedReader.readLine}, held a 40 MB line
 * whole, and the agent's small heap ran out.)
 *
 * <p>A line ends at {@code '\n'}; a last line without one is a line too. Not thread-safe.
 */
public final class BoundedLines implements Closeable {
    /**
     * One line.
     *
     * @param bytes its bytes without the newline, or null when it was longer than the bound (then it was not held)
     * @param length its length in bytes, also when it was too long
     * @param ended a newline ended it (false only for a last line)
     */
    public record Line(byte[] bytes, long length, boolean ended) {
        /** It was longer than the bound, and passed over. */
        public boolean tooLong() {
            return bytes == null;
        }

        /** The line as strict UTF-8, or null when it is not UTF-8 (a byte flipped on disk) or was too long. */
        public String text() {
            if (bytes == null) {
                return null;
            }
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException notText) {
                return null;
            }
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int end;
    /** The current line's bytes so far, while it is within the bound; grown as needed, up to it. */
    private byte[] held;

    private int heldLength;

    /** Reads {@code in} (closed with this), holding at most {@code maxBytes} of a line. */
    public BoundedLines(InputStream in, int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes);
        }
        this.in = in;
        this.maxBytes = maxBytes;
        this.held = new byte[Math.min(maxBytes, 1024)];
    }

    /** The next line, or null at the end of the input. */
    public Line next() throws IOException {
        long length = 0;
        heldLength = 0;
        while (true) {
            if (position == end) {
                int n = in.read(buffer);
                if (n < 0) {
                    return length == 0 ? null : line(length, false);
                }
                position = 0;
                end = n;
                continue;
            }
            int newline = position;
            while (newline < end && buffer[newline] != '\n') {
                newline++;
            }
            int count = newline - position;
            if (length + count <= maxBytes) {
                hold(position, count);
            }
            length += count;
            if (newline < end) {
                position = newline + 1;
                return line(length, true);
            }
            position = end;
        }
    }

    private void hold(int from, int count) {
        if (heldLength + count > held.length) {
            held = Arrays.copyOf(held, (int) Math.min(maxBytes, Math.max(2L * held.length, heldLength + count)));
        }
        System.arraycopy(buffer, from, held, heldLength, count);
        heldLength += count;
    }

    private Line line(long length, boolean ended) {
        return new Line(length <= maxBytes ? Arrays.copyOf(held, heldLength) : null, length, ended);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
