package org.kmsagent.agent.renewal;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.kmsagent.api.HResult;

/**
 * Something the renewal loop did or saw for one machine's product.
 *
 * @param time when (scheduler time)
 * @param machine the machine's name
 * @param family the family id
 * @param sku the edition's name
 * @param kind what happened
 * @param hresult the code Windows reported, for attempts
 * @param pool the count pool id
 * @param count the count the host reported, if one answered
 * @param required the threshold the product needs, if known
 * @param host the host that answered, if any
 * @param diagnosis why it failed, for failures
 */
public record RenewalEvent(
        Instant time,
        String machine,
        String family,
        String sku,
        Kind kind,
        Optional<HResult> hresult,
        String pool,
        OptionalInt count,
        OptionalInt required,
        Optional<String> host,
        Optional<Diagnosis> diagnosis) {

    /** What happened. */
    public enum Kind {
        /** The loop installed the edition's GVLK (it was missing or another edition's). */
        GVLK_INSTALLED,
        /** First activation, or activation again after a lapse. */
        ACTIVATED,
        /** An unactivated product's attempt failed. */
        ACTIVATION_FAILED,
        /** An activated product renewed: the 180 days restart. */
        RENEWED,
        /** An activated product's renewal failed; its validity is unchanged. */
        RENEWAL_FAILED,
        /** 180 days passed without renewal: the activation lapsed (out-of-tolerance grace). */
        EXPIRED,
        /** A grace period ran out: the product is in the notification state. */
        GRACE_EXPIRED,
        /** The MAK fallback installed the administrator's MAK and activated it online. */
        MAK_ACTIVATED,
        /** The MAK fallback could not activate (key rejected or used up); KMS attempts go on. */
        MAK_FAILED,
        /**
         * A licensing call other than the attempt itself (finding the product, reading its state, reinstalling its
         * key) failed; the diagnosis says whether the loop retries soon (transient) or at the activation interval.
         */
        CALL_FAILED,
        /** A licensing call did not return before its deadline: abandoned on its own thread, the loop retries soon. */
        CALL_TIMED_OUT,
        /** The product is no longer installed on the machine: the loop ends. */
        PRODUCT_GONE,
        /** The loop stopped (the machine left). */
        STOPPED
    }

    public RenewalEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(hresult, "hresult");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(count, "count");
        Objects.requireNonNull(required, "required");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(diagnosis, "diagnosis");
    }
}
