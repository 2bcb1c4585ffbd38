package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Work started ahead: done once, on its own thread when started, and its failure reaches the asker unchanged. */
class AheadTest {

    @Test
    void startedWorkRunsOnItsOwnThreadOnceAndEveryAskerGetsItsResult() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch taken = new CountDownLatch(1);
        Ahead<String> ahead = new Ahead<>("test-ahead", () -> {
                    taken.countDown();
                    runs.incrementAndGet();
                    return Thread.currentThread().getName();
                })
                .start()
                .start();

        // An asker that comes before the thread has begun does the work itself; this one comes after.
        assertThat(taken.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ahead.get()).isEqualTo("test-ahead");
        assertThat(ahead.get()).isEqualTo("test-ahead");
        assertThat(runs).hasValue(1);
    }

    @Test
    void workNobodyStartedIsDoneByItsFirstAsker() {
        Ahead<String> ahead =
                new Ahead<>("never-started", () -> Thread.currentThread().getName());

        assertThat(ahead.get()).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void aFailureIsThrownToTheAskerAsTheWorkThrewIt() {
        UsageException refused = new UsageException("the agent's configuration cannot be read");
        Ahead<String> ahead = new Ahead<String>("failing", () -> {
                    throw refused;
                })
                .start();

        assertThatThrownBy(ahead::get).isSameAs(refused);
        assertThatThrownBy(ahead::get).isSameAs(refused);
    }

    @Test
    void aCheckedFailureArrivesAsItsCause() {
        Ahead<String> ahead = new Ahead<>("checked", () -> {
            throw new IOException("plugins directory unreadable");
        });

        assertThatThrownBy(ahead::get).hasCauseInstanceOf(IOException.class).hasMessageContaining("unreadable");
    }
}
