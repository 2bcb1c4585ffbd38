package org.kmsagent.agent.hub.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Bounds sign-in attempts on the dashboard. Per source address: {@link #MAX_FAILURES} wrong tokens (form or Bearer)
 * within {@link #WINDOW} lock the address out for {@link #LOCKOUT}, right token or not, so guessing costs a quarter
 * of an hour per handful of tries. Per token: at most {@link #MAX_SIGN_INS} sessions opened within {@link #WINDOW},
 * then that token's sign-ins are locked out for {@link #LOCKOUT}, so one token (a leaked read token, a script in a
 * loop) cannot fill the hub's memory with sessions. Counts live in this hub's memory, at most {@link #MAX_TRACKED}
 * keys per kind (the oldest are forgotten first). Synchronized: requests on every event loop share it.
 */
final class LoginThrottle {
    static final int MAX_FAILURES = 5;
    static final int MAX_SIGN_INS = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration LOCKOUT = Duration.ofMinutes(15);
    static final int MAX_TRACKED = 10_000;

    private final Clock clock;
    private final Map<String, Counter> failuresBySource = tracked();
    private final Map<String, Counter> signInsByToken = tracked();

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long a source address is still locked out, or empty when it may try. */
    synchronized Optional<Duration> sourceLocked(String source) {
        return remaining(failuresBySource.get(source));
    }

    /** How long a token's sign-ins are still locked out, or empty. */
    synchronized Optional<Duration> tokenLocked(String tokenName) {
        return remaining(signInsByToken.get(tokenName));
    }

    /** Records a wrong token from a source; true when this locked it out. */
    synchronized boolean failed(String source) {
        return failuresBySource.computeIfAbsent(source, k -> new Counter()).add(clock.instant(), MAX_FAILURES);
    }

    /** Records a session opened with a token; true when this locked the token's sign-ins out. */
    synchronized boolean signedIn(String source, String tokenName) {
        Counter f = failuresBySource.get(source);
        if (f != null && f.lockedUntil == null) {
            failuresBySource.remove(source); // a right token clears the address's earlier typos
        }
        return signInsByToken.computeIfAbsent(tokenName, k -> new Counter()).add(clock.instant(), MAX_SIGN_INS);
    }

    private Optional<Duration> remaining(Counter c) {
        Instant now = clock.instant();
        if (c == null || c.lockedUntil == null || !c.lockedUntil.isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, c.lockedUntil));
    }

    private static Map<String, Counter> tracked() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Counter> eldest) {
                return size() > MAX_TRACKED;
            }
        };
    }

    /** Events within the window, and the end of a lockout. */
    private static final class Counter {
        final Deque<Instant> at = new ArrayDeque<>();
        Instant lockedUntil;

        /** Adds one at {@code now}; locks when the window holds more than {@code max}. */
        boolean add(Instant now, int max) {
            if (lockedUntil != null && !lockedUntil.isAfter(now)) {
                lockedUntil = null;
                at.clear();
            }
            Iterator<Instant> it = at.iterator();
            while (it.hasNext() && it.next().isBefore(now.minus(WINDOW))) {
                it.remove();
            }
            at.addLast(now);
            if (lockedUntil == null && at.size() >= max) {
                lockedUntil = now.plus(LOCKOUT);
                return true;
            }
            return false;
        }
    }
}
