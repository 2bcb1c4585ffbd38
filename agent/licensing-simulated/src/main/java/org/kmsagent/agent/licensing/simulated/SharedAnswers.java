package org.kmsagent.agent.licensing.simulated;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;

/**
 * The results made from hosts' answers, one per distinct answer (code, host, reported count, required count), shared
 * by every simulated machine that gets it. A fleet gets few distinct answers: a host's count stays below twice its
 * highest threshold (docs/kms-rules.md §1.3). Each event reads its result (the renewal loop's event, the lab's
 * tallies); a result of each machine's own, kept for weeks of simulated time, sent every such read at a large fleet to
 * an object of its own scattered over the heap (a cache miss each), where a shared one stays in the cache.
 *
 * <p>Thread-safe. Bounded: past {@link #LIMIT} distinct answers a result is made anew each time, as it was before.
 */
final class SharedAnswers {
    static final int LIMIT = 4096;

    private record Answer(HResult code, String host, int count, int required) {}

    private final Map<Answer, ActivationResult> results = new HashMap<>();

    synchronized ActivationResult of(HResult code, String host, int count, int required) {
        Answer a = new Answer(code, host, count, required);
        ActivationResult r = results.get(a);
        if (r == null) {
            r = new ActivationResult(
                    code,
                    Optional.of(host),
                    count > 0 ? OptionalInt.of(count) : OptionalInt.empty(),
                    OptionalInt.of(required));
            if (results.size() < LIMIT) {
                results.put(a, r);
            }
        }
        return r;
    }

    /** A result without a count that names the host it concerns (see {@link SimulatedWorld#concerning}). */
    synchronized ActivationResult concerning(HResult code, String host) {
        Answer a = new Answer(code, host, -1, -1); // -1: no host's answer (of) has it, so the two never share a key
        ActivationResult r = results.get(a);
        if (r == null) {
            r = new ActivationResult(code, Optional.of(host), OptionalInt.empty(), OptionalInt.empty());
            if (results.size() < LIMIT) {
                results.put(a, r);
            }
        }
        return r;
    }
}
