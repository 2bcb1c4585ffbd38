package org.kmsagent.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The bench table, byte for byte as it was before it printed through cli's Table. */
class BenchReportTest {
    @Test
    void figuresPrintAsOneTableWithTheNumbersRightAligned() {
        StringWriter s = new StringWriter();
        BenchReport.print(
                List.of(
                        new BenchFigure(
                                "bridge", "frames/s", 12345.0, "1/s", "vertx", 10000.0, true, OptionalDouble.of(1.1)),
                        new BenchFigure(
                                "startup", "start", 0.5, "s", "java -version", 0.25, false, OptionalDouble.empty()),
                        new BenchFigure("fleet", "heap", 80.0, "MB", "none", 0, false, OptionalDouble.of(0.9))),
                new PrintWriter(s));
        assertThat(s.toString().lines())
                .containsExactly(
                        "BENCHMARK  FIGURE     VALUE  UNIT  BASELINE       BASELINE VALUE  RATIO  TARGET   VERDICT",
                        "bridge     frames/s  12,345  1/s   vertx                  10,000   1.23  >=1.10   met",
                        "startup    start      0.500  s     java -version           0.250   2.00  -",
                        "fleet      heap        80.0  MB    none                     0.00    n/a  <=0.900  MISSED");
    }
}
