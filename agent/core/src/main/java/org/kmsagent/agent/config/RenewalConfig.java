package org.kmsagent.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.kmsagent.agent.core.BoundedInput;

/**
 * How this machine's products are kept activated.
 *
 * @param kms the KMS host for every family without its own: {@code host}, {@code host:port}, {@code dns} or
 *     {@code dns:domain}; empty means leave Windows' own setting alone
 * @param makFallback what to do when KMS cannot be reached for a family without its own policy
 * @param families per-family overrides, keyed by family id (e.g. {@code office2013})
 * @param callDeadlineSeconds how long a licensing call (other than an activation) may take before the agent abandons
 *     it and reports {@code CALL_TIMED_OUT} (default 30)
 * @param activationDeadlineSeconds the same for an activation or renewal, which contacts a KMS host (default 90)
 */
public record RenewalConfig(
        String kms,
        MakFallback makFallback,
        Map<String, FamilyRenewalConfig> families,
        Integer callDeadlineSeconds,
        Integer activationDeadlineSeconds) {
    /** The default {@link #callDeadlineSeconds}. */
    public static final int DEFAULT_CALL_DEADLINE_SECONDS = 30;
    /** The default {@link #activationDeadlineSeconds}. */
    public static final int DEFAULT_ACTIVATION_DEADLINE_SECONDS = 90;

    public RenewalConfig {
        callDeadlineSeconds = Objects.requireNonNullElse(callDeadlineSeconds, DEFAULT_CALL_DEADLINE_SECONDS);
        activationDeadlineSeconds =
                Objects.requireNonNullElse(activationDeadlineSeconds, DEFAULT_ACTIVATION_DEADLINE_SECONDS);
        kms = Objects.requireNonNullElse(kms, "");
        makFallback = Objects.requireNonNullElse(makFallback, MakFallback.NEVER);
        families = families == null ? Map.of() : Map.copyOf(families);
    }

    /**
     * One line for each {@code renewal.families.<family>} that no loaded plugin provides (an override that would
     * silently apply to nothing), e.g. {@code renewal.families.office2031: no loaded plugin provides this family
     * (loaded: office2013, windows-client)}.
     */
    public List<String> unknownFamilies(Set<String> loaded) {
        List<String> lines = new ArrayList<>();
        for (String id : new TreeSet<>(families.keySet())) {
            if (!loaded.contains(id)) {
                lines.add("renewal.families." + BoundedInput.shown(id)
                        + ": no loaded plugin provides this family (loaded: "
                        + (loaded.isEmpty() ? "none" : String.join(", ", new TreeSet<>(loaded))) + ")");
            }
        }
        return lines;
    }

    /** The KMS endpoint text for one family: its own, else the global one (may be empty). */
    public String kmsFor(String family) {
        FamilyRenewalConfig f = families.get(family);
        return f != null && f.kms() != null && !f.kms().isEmpty() ? f.kms() : kms;
    }
}
