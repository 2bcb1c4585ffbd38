package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.renewal.Diagnosis;
import org.kmsagent.api.HResult;

/** {@code simulate --json}: JSON Lines, whatever stops the run. */
class JsonEventWriterTest {
    private static final Instant START = Instant.parse("2026-01-05T08:00:00Z");

    /** Every piece of text written to it, as written. */
    private static final class Writes extends Writer {
        final List<String> pieces = new ArrayList<>();

        @Override
        public void write(char[] c, int off, int len) {
            pieces.add(new String(c, off, len));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    private static LabEvent failed(int i) {
        return new LabEvent(
                START.plus(Duration.ofMinutes(i)),
                "activation-failed",
                "pc-" + i,
                "windows-client",
                "Windows 10 Pro",
                Optional.of(HResult.of(0xC004F038)),
                "windows",
                OptionalInt.of(i % 25),
                OptionalInt.of(25),
                Optional.of("kms01.corp.example"),
                Optional.of(Diagnosis.countBelow(i % 25, 25)),
                null);
    }

    @Test
    void eachLineReachesTheOutputWholeInOneWrite() throws Exception {
        // Whatever is flushed when a run stops (out of memory: SimulateCommand flushes what was written), it is whole
        // lines: nothing of a line waits anywhere but in the output.
        Writes out = new Writes();
        JsonEventWriter json = new JsonEventWriter(new PrintWriter(out), START);
        for (int i = 0; i < 1000; i++) {
            json.accept(failed(i));
            assertThat(out.pieces).hasSize(i + 1);
        }
        ObjectMapper m = new ObjectMapper();
        for (String piece : out.pieces) {
            assertThat(piece).endsWith(System.lineSeparator());
            assertThat(piece.lines()).hasSize(1);
            assertThat(m.readTree(piece).get("event").asText()).isEqualTo("activation-failed");
        }
    }

    @Test
    void anEventStoppedHalfWayWritesNothingAndTheNextIsWrittenWhole() throws Exception {
        Writes out = new Writes();
        JsonEventWriter json = new JsonEventWriter(new PrintWriter(out), START);
        json.accept(failed(1));
        // Stops after its first fields, as an error thrown there (out of memory) would.
        LabEvent broken = new LabEvent(
                START,
                "activated",
                "pc-2",
                "",
                "",
                null,
                "",
                OptionalInt.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                null);
        assertThatThrownBy(() -> json.accept(broken)).isInstanceOf(NullPointerException.class);
        json.accept(failed(3));

        assertThat(out.pieces).hasSize(2);
        ObjectMapper m = new ObjectMapper();
        assertThat(String.join("", out.pieces).lines().map(l -> read(m, l))).containsExactly("pc-1", "pc-3");
    }

    private static String read(ObjectMapper m, String line) {
        try {
            return m.readTree(line).get("machine").asText();
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
