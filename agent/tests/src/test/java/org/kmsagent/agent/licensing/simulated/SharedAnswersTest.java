package org.kmsagent.agent.licensing.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;

/** The results machines report for hosts' answers: one per distinct answer, each saying what the host answered. */
class SharedAnswersTest {
    private final SharedAnswers answers = new SharedAnswers();

    @Test
    void theSameAnswerIsOneResultAndEachResultSaysWhatTheHostAnswered() {
        ActivationResult granted = answers.of(HResult.S_OK, "kms1.corp.example", 50, 25);
        assertThat(answers.of(HResult.S_OK, "kms1.corp.example", 50, 25)).isSameAs(granted);
        assertThat(granted)
                .isEqualTo(new ActivationResult(
                        HResult.S_OK, Optional.of("kms1.corp.example"), OptionalInt.of(50), OptionalInt.of(25)));

        ActivationResult below = answers.of(HResult.SL_E_VL_NOT_ENOUGH_COUNT, "kms1.corp.example", 12, 25);
        assertThat(below.activated()).isFalse();
        assertThat(below.reportedCount()).hasValue(12);
        assertThat(answers.of(HResult.S_OK, "kms2.corp.example", 50, 25).kmsHost())
                .contains("kms2.corp.example");
        assertThat(answers.of(HResult.S_OK, "kms1.corp.example", 49, 25).reportedCount())
                .hasValue(49);
        // A host that reported no count (0) gives a result without one, as a refused request's does.
        assertThat(answers.of(HResult.SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH, "kms1.corp.example", 0, 5)
                        .reportedCount())
                .isEmpty();
    }

    @Test
    void pastItsLimitItStillAnswersRightWithoutKeeping() {
        for (int i = 0; i < SharedAnswers.LIMIT; i++) {
            answers.of(HResult.S_OK, "kms" + i, 50, 25);
        }
        ActivationResult late = answers.of(HResult.S_OK, "late", 7, 5);
        assertThat(late.kmsHost()).contains("late");
        assertThat(late.reportedCount()).hasValue(7);
        assertThat(answers.of(HResult.S_OK, "late", 7, 5)).isEqualTo(late).isNotSameAs(late);
    }
}
