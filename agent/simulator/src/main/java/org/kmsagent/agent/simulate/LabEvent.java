package org.kmsagent.agent.simulate;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.kmsagent.agent.renewal.Diagnosis;
import org.kmsagent.agent.renewal.RenewalEvent;
import org.kmsagent.api.HResult;

/**
 * One line of the lab's event stream: a renewal-loop event, or something the lab itself did (a machine arrived or
 * left, the host went down or came back, a pool's count crossed a threshold, a client's entry left a pool's count).
 * docs/simulate.md has the schema.
 *
 * @param time virtual time
 * @param event the kind, kebab-case (e.g. {@code activation-failed}, {@code threshold-reached})
 * @param machine the machine, or empty for host and pool events
 * @param family the family id, or empty
 * @param sku the edition, or empty
 * @param hresult the code, for attempts
 * @param pool the count pool, or empty
 * @param count the count reported (or reached)
 * @param required the threshold concerned
 * @param host the KMS host concerned
 * @param diagnosis why an attempt failed
 * @param cmid the client machine id concerned (an entry that aged out or was pushed out), or null (kept as the UUID:
 *     in a large fleet nearly every request pushes an entry out, and most of those events are only counted)
 */
public record LabEvent(
        Instant time,
        String event,
        String machine,
        String family,
        String sku,
        Optional<HResult> hresult,
        String pool,
        OptionalInt count,
        OptionalInt required,
        Optional<String> host,
        Optional<Diagnosis> diagnosis,
        UUID cmid) {
    public LabEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(pool, "pool");
    }

    /**
     * docs/kms-rules.md §1.2, §1.3: a client's entry left a pool's count, {@code aged-out} (its last request 30 days
     * old) or {@code pushed-out} (the table was full); {@code machine} is the name it last sent.
     */
    static LabEvent entryLeft(
            Instant time, String event, String machine, UUID cmid, String pool, Optional<String> host) {
        return new LabEvent(
                time,
                event,
                machine,
                "",
                "",
                Optional.empty(),
                pool,
                OptionalInt.empty(),
                OptionalInt.empty(),
                host,
                Optional.empty(),
                cmid);
    }

    /**
     * Whether {@code machine} is a name the client sent, not its CMID standing in for one (a present's table client
     * written without a name): the timeline and the report then name the client by its CMID once.
     */
    public boolean namedClient() {
        return cmid == null || !machine.equalsIgnoreCase(cmid.toString());
    }

    private static final String[] KIND_NAMES =
            Arrays.stream(RenewalEvent.Kind.values()).map(k -> kebab(k.name())).toArray(String[]::new);

    /** The lab form of a renewal-loop event. */
    static LabEvent of(RenewalEvent e) {
        return new LabEvent(
                e.time(),
                KIND_NAMES[e.kind().ordinal()],
                e.machine(),
                e.family(),
                e.sku(),
                e.hresult(),
                e.pool(),
                e.count(),
                e.required(),
                e.host(),
                e.diagnosis(),
                null);
    }

    /** A lab event without an attempt. */
    static LabEvent lab(
            Instant time,
            String event,
            String machine,
            String pool,
            OptionalInt count,
            OptionalInt required,
            Optional<String> host) {
        return new LabEvent(
                time, event, machine, "", "", Optional.empty(), pool, count, required, host, Optional.empty(), null);
    }

    /** A machine's own event, naming nothing else ({@code machine-arrived}, {@code machine-left}). */
    static LabEvent machine(Instant time, String event, String machine) {
        return lab(time, event, machine, "", OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
    }

    static String kebab(String enumName) {
        return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
