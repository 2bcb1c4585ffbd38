package org.kmsagent.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLinesTest {
    static List<String> read(String text, int max) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BoundedLines in = new BoundedLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max)) {
            for (BoundedLines.Line l = in.next(); l != null; l = in.next()) {
                lines.add((l.tooLong() ? "too long " + l.length() : l.text()) + (l.ended() ? "" : " (no newline)"));
            }
        }
        return lines;
    }

    @Test
    void linesEndAtANewlineAndALastLineWithoutOneIsALineToo() throws IOException {
        assertThat(read("a\n\nbc\n", 5)).containsExactly("a", "", "bc");
        assertThat(read("a\nbc", 5)).containsExactly("a", "bc (no newline)");
        assertThat(read("", 5)).isEmpty();
    }

    @Test
    void aLineLongerThanTheBoundIsPassedOverAndTheNextOneRead() throws IOException {
        assertThat(read("12345\n123456\nok\n1234567", 5))
                .containsExactly("12345", "too long 6", "ok", "too long 7 (no newline)");
    }

    @Test
    void aLineThatIsNotUtf8HasNoText() throws IOException {
        try (BoundedLines in = new BoundedLines(new ByteArrayInputStream(new byte[] {'a', (byte) 0xff, '\n'}), 5)) {
            BoundedLines.Line l = in.next();
            assertThat(l.text()).isNull();
            assertThat(l.bytes()).hasSize(2);
        }
    }

    /**
     * A line longer than any array can hold (3 GiB, made up as it is read, never on disk) is passed over: only the
     * bound is ever held, so the reader cannot run out of memory on it.
     */
    @Test
    void aLineLargerThanAnyArrayIsPassedOverWithoutBeingHeld() throws IOException {
        long huge = 3L * 1024 * 1024 * 1024;
        InputStream stream = new InputStream() {
            long left = huge;
            final byte[] tail = "\n{\"seq\":1}\n".getBytes(StandardCharsets.UTF_8);
            int tailAt;

            @Override
            public int read() {
                throw new UnsupportedOperationException("read by blocks");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left > 0) {
                    int n = (int) Math.min(left, len);
                    Arrays.fill(b, off, off + n, (byte) 'x');
                    left -= n;
                    return n;
                }
                if (tailAt == tail.length) {
                    return -1;
                }
                int n = Math.min(len, tail.length - tailAt);
                System.arraycopy(tail, tailAt, b, off, n);
                tailAt += n;
                return n;
            }
        };
        try (BoundedLines in = new BoundedLines(stream, 32 * 1024)) {
            BoundedLines.Line first = in.next();
            assertThat(first.tooLong()).isTrue();
            assertThat(first.length()).isEqualTo(huge);
            assertThat(in.next().text()).isEqualTo("{\"seq\":1}");
            assertThat(in.next()).isNull();
        }
    }
}
