package org.kmsagent.agent.hub.forecast;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.rules.KmsRules;

/**
 * Which machines' activations run out within a number of days, each with the diagnosed cause of its failed
 * renewals. Pure.
 */
public final class ExpiryForecast {
    /** An activation is valid for 180 days after the latest successful activation or renewal: docs/kms-rules.md §2.1. */
    public static final Duration VALIDITY = KmsRules.VALIDITY;

    private ExpiryForecast() {}

    /**
     * One product of one machine as the fleet view knows it.
     *
     * @param agentId the machine's agent id
     * @param hostName its host name
     * @param family the family id
     * @param product the edition's name
     * @param validUntil when the agent says the activation runs out, if it said
     * @param lastSuccess the latest successful activation or renewal seen in its events, if any
     * @param lastFailure the latest failed attempt after {@code lastSuccess}, if any
     * @param lastResult the product's last result as the agent's status reports it (e.g. {@code 0xC004F074
     *     SL_E_VL_KMS_SERVER_NOT_REACHABLE …}), if any: the cause when no failure event reached the hub
     */
    public record ProductState(
            String agentId,
            String hostName,
            String family,
            String product,
            Optional<Instant> validUntil,
            Optional<Instant> lastSuccess,
            Optional<Failure> lastFailure,
            Optional<String> lastResult) {
        /** A product whose status carries no last result. */
        public ProductState(
                String agentId,
                String hostName,
                String family,
                String product,
                Optional<Instant> validUntil,
                Optional<Instant> lastSuccess,
                Optional<Failure> lastFailure) {
            this(agentId, hostName, family, product, validUntil, lastSuccess, lastFailure, Optional.empty());
        }
    }

    /**
     * A failed activation or renewal.
     *
     * @param at when
     * @param hresult the code Windows reported, e.g. {@code 0xC004F074}, or null
     * @param cause the diagnosed cause (e.g. {@code HOST_UNREACHABLE}), or null when none was diagnosed
     * @param detail the diagnosis's sentence, or null
     * @param failures how many attempts have failed since the last success
     */
    public record Failure(Instant at, String hresult, String cause, String detail, int failures) {}

    /**
     * A product that runs out soon.
     *
     * @param daysLeft whole days until it runs out; negative when it already has
     * @param cause why its renewals fail, in words
     */
    public record Expiring(
            String agentId,
            String hostName,
            String family,
            String product,
            Instant validUntil,
            long daysLeft,
            String cause) {}

    /** The products whose validity ends before {@code now + days}, soonest first. */
    public static List<Expiring> within(Instant now, int days, List<ProductState> products) {
        Instant limit = now.plus(Duration.ofDays(days));
        List<Expiring> out = new ArrayList<>();
        for (ProductState p : products) {
            Optional<Instant> until = p.validUntil().or(() -> p.lastSuccess().map(s -> s.plus(VALIDITY)));
            if (until.isEmpty() || until.get().isAfter(limit)) {
                continue;
            }
            long left = Math.floorDiv(Duration.between(now, until.get()).getSeconds(), 86_400L);
            out.add(new Expiring(
                    p.agentId(),
                    p.hostName(),
                    p.family(),
                    p.product(),
                    until.get(),
                    left,
                    cause(p.lastFailure(), p.lastResult())));
        }
        out.sort(Comparator.comparing(Expiring::validUntil).thenComparing(Expiring::agentId));
        return out;
    }

    static String cause(Optional<Failure> failure, Optional<String> lastResult) {
        if (failure.isEmpty()) {
            // No failure event in the history (events lost, or an agent older than its outbox): the product's own last
            // result still says why, and saying "has not tried" of a machine that has tried would send people astray.
            Optional<String> failed =
                    lastResult.map(String::trim).filter(r -> !r.isEmpty() && !r.endsWith(" ok") && !r.equals("ok"));
            if (failed.isPresent()) {
                return "last result the agent reports: " + failed.get();
            }
            return "no failed renewal reported: the machine has not tried to renew (is the agent running?)";
        }
        Failure f = failure.get();
        StringBuilder s = new StringBuilder();
        s.append(f.cause() != null ? f.cause() : "undiagnosed failure");
        if (f.detail() != null && !f.detail().isBlank()) {
            s.append(": ").append(f.detail());
        }
        if (f.hresult() != null) {
            s.append(" (").append(f.hresult()).append(')');
        }
        s.append("; ")
                .append(f.failures())
                .append(f.failures() == 1 ? " failed attempt" : " failed attempts")
                .append(", latest ")
                // To the second, as ctl shows every time in its tables.
                .append(f.at().truncatedTo(ChronoUnit.SECONDS));
        return s.toString();
    }
}
