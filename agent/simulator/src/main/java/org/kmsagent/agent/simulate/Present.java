package org.kmsagent.agent.simulate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.api.CountPool;
import org.kmsagent.api.LicenseStatus;

/**
 * The fleet as it is at the scenario's start (a {@code fleet snapshot}'s present): which CMID each machine has, the
 * state each product is in, and what each KMS host's table holds. Without it (the {@link #NONE} case) every machine
 * starts unactivated and every host's table empty.
 *
 * @param machines per machine name, its CMID and its products' state
 * @param ledgers per host name, the entries its count pools hold at the start
 * @param leftOut what of the snapshot the lab cannot model, in words (clients of a SKU no loaded plugin knows)
 */
public record Present(Map<String, MachineStart> machines, Map<String, List<LedgerSeed>> ledgers, List<String> leftOut) {
    /** No present state: the lab as before. */
    public static final Present NONE = new Present(Map.of(), Map.of(), List.of());

    public Present {
        machines = Map.copyOf(machines);
        ledgers = Map.copyOf(ledgers);
        leftOut = List.copyOf(leftOut);
    }

    public boolean isEmpty() {
        return machines.isEmpty() && ledgers.isEmpty();
    }

    /**
     * One machine at the start.
     *
     * @param cmid its client machine id, if known (the host's table knows it by this)
     * @param products per edition name, the product's state
     */
    public record MachineStart(Optional<UUID> cmid, Map<String, ProductStart> products) {
        public MachineStart {
            products = Map.copyOf(products);
        }
    }

    /**
     * One product's state at the start.
     *
     * @param status its license status ({@code LICENSED}, {@code INITIAL_GRACE}, {@code ADDITIONAL_GRACE} after a
     *     lapse, {@code NOTIFICATION}, …)
     * @param validUntil when the activation runs out (licensed), or the grace ends (in a grace period); empty in
     *     notification
     * @param lastSuccess its last successful activation or renewal, if known
     * @param host the host that gave it, if known
     * @param nextAttempt when its renewal loop next contacts KMS (a time already past is due at once)
     */
    public record ProductStart(
            LicenseStatus status,
            Optional<Instant> validUntil,
            Optional<Instant> lastSuccess,
            Optional<String> host,
            Instant nextAttempt) {}

    /**
     * One client in a host's count pool at the start (docs/kms-rules.md §1.2).
     *
     * @param pool the count pool
     * @param cmid the client machine id
     * @param name the name it sent
     * @param lastRequest its latest counted request
     * @param requiredCount the threshold it asked for (the pool's capacity follows the highest asked, §1.3)
     */
    public record LedgerSeed(CountPool pool, UUID cmid, String name, Instant lastRequest, int requiredCount) {}
}
