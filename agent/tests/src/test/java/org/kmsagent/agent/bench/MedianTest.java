package org.kmsagent.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The median every benchmark reports of its rounds: the middle one, the upper of an even count. */
class MedianTest {
    private record Round(String name, double rate) {}

    @Test
    void theMiddleRoundOfAnOddCountWhateverTheOrderTheyRanIn() {
        List<Round> rounds = List.of(new Round("slow", 1.0), new Round("fast", 9.0), new Round("middle", 4.0));

        assertThat(Median.by(rounds, Round::rate).name()).isEqualTo("middle");
        assertThat(Median.of(new double[] {1.0, 9.0, 4.0})).isEqualTo(4.0);
        assertThat(rounds).extracting(Round::name).containsExactly("slow", "fast", "middle");
    }

    @Test
    void theUpperOfTheTwoMiddleRoundsOfAnEvenCount() {
        List<Round> rounds =
                List.of(new Round("a", 3.0), new Round("b", 1.0), new Round("c", 2.0), new Round("d", 4.0));

        assertThat(Median.by(rounds, Round::rate).name()).isEqualTo("a");
        assertThat(Median.of(new double[] {3.0, 1.0, 2.0, 4.0})).isEqualTo(3.0);
    }

    @Test
    void noRoundsGiveNoMedianNumber() {
        assertThat(Median.of(new double[0])).isNaN();
    }
}
