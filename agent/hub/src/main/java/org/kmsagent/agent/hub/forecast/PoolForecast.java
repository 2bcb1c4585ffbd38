package org.kmsagent.agent.hub.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.rules.KmsRules;

/**
 * When one KMS host pool crosses one threshold, projected from the host's counted clients and the arrivals seen.
 * Pure: the same inputs always give the same answer.
 *
 * <p>The model (docs/kms-rules.md §1.2, §1.3): each counted client stays in the table for 30 days after its latest
 * contact; new machines keep arriving at the rate seen over the last 30 days; the count never exceeds the table's
 * capacity (twice the largest threshold asked for). A pool that meets its threshold is projected to drop below it
 * if none of its counted clients contacts the host again, so {@code crossesAt} is the date by which renewals must
 * have come (activated clients renew every 7 days by default, §2.1, which pushes it back each time). A pool below
 * its threshold is projected to reach it through new arrivals only.
 *
 * @param thresholdClass the threshold class's name (e.g. {@code windows-client})
 * @param required the count it needs (docs/kms-rules.md §1.5)
 * @param count the count now
 * @param met whether the count now reaches it
 * @param crossesAt when the projected count first drops below (if met) or reaches (if not) the threshold; empty when
 *     it does not within the horizon
 * @param arrivalsPerDay new machines per day over the last 30 days
 */
public record PoolForecast(
        String thresholdClass,
        int required,
        int count,
        boolean met,
        Optional<Instant> crossesAt,
        double arrivalsPerDay) {

    /** How long a client stays counted after its latest contact: docs/kms-rules.md §1.2. */
    public static final Duration COUNT_WINDOW = KmsRules.COUNT_WINDOW;

    private static final double DAY_SECONDS = 86_400.0;

    /**
     * Projects one threshold.
     *
     * @param now the present
     * @param thresholdClass the class's name, copied into the result
     * @param required the count the class needs
     * @param capacity the most the table holds (docs/kms-rules.md §1.3: 2 × the largest threshold asked for)
     * @param lastContacts each counted client's latest contact
     * @param firstSeen when each client of the pool was first seen (those older than 30 days are ignored)
     * @param horizon how far ahead to look
     */
    public static PoolForecast project(
            Instant now,
            String thresholdClass,
            int required,
            int capacity,
            List<Instant> lastContacts,
            List<Instant> firstSeen,
            Duration horizon) {
        List<Instant> expiries = new ArrayList<>();
        for (Instant c : lastContacts) {
            Instant e = c.plus(COUNT_WINDOW);
            if (e.isAfter(now)) {
                expiries.add(e);
            }
        }
        expiries.sort(null);
        long recent = firstSeen.stream()
                .filter(f -> !f.isAfter(now) && f.isAfter(now.minus(COUNT_WINDOW)))
                .count();
        double rate = recent / (double) COUNT_WINDOW.toDays();
        int count = Math.min(capacity, expiries.size());
        boolean met = count >= required;
        Instant end = now.plus(horizon);
        Optional<Instant> crosses = met
                ? dropsBelow(now, required, capacity, expiries, rate, end)
                : reaches(now, required, capacity, expiries, rate, end);
        return new PoolForecast(thresholdClass, required, count, met, crosses, rate);
    }

    /** The count projected for time t: clients still counted plus new arrivals still counted, capped. */
    static int projected(Instant now, Instant t, int capacity, List<Instant> expiries, double rate) {
        int alive = 0;
        for (Instant e : expiries) {
            if (e.isAfter(t)) {
                alive++;
            }
        }
        double days = Math.min(Duration.between(now, t).getSeconds() / DAY_SECONDS, COUNT_WINDOW.toDays());
        int arrived = (int) Math.floor(rate * days + 1e-9);
        return Math.min(capacity, alive + arrived);
    }

    private static Optional<Instant> dropsBelow(
            Instant now, int required, int capacity, List<Instant> expiries, double rate, Instant end) {
        // The projection only falls when a counted client's entry expires, so those instants are the candidates.
        for (Instant e : expiries) {
            if (e.isAfter(end)) {
                break;
            }
            if (projected(now, e, capacity, expiries, rate) < required) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static Optional<Instant> reaches(
            Instant now, int required, int capacity, List<Instant> expiries, double rate, Instant end) {
        if (rate <= 0) {
            return Optional.empty();
        }
        // The projection only rises when a new machine arrives: the k-th arrives k/rate days from now. After 30 days
        // arrivals replace the ones expiring, so no later instant can be higher.
        long maxArrivals = (long) Math.floor(rate * COUNT_WINDOW.toDays() + 1e-9);
        for (long k = 1; k <= maxArrivals; k++) {
            Instant t = now.plusSeconds((long) Math.ceil(k / rate * DAY_SECONDS));
            if (t.isAfter(end)) {
                break;
            }
            if (projected(now, t, capacity, expiries, rate) >= required) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
