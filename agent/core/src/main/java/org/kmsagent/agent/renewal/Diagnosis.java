package org.kmsagent.agent.renewal;

import java.util.Objects;
import java.util.OptionalInt;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;

/**
 * Why an activation attempt failed, in the terms an administrator acts on, not just the code Windows reports
 * (several causes share one code: a clock skew and an unreachable host both end in {@code 0xC004F074},
 * docs/kms-rules.md §2.4, §5).
 *
 * @param cause the kind of cause
 * @param count the count the host reported, for {@link Cause#COUNT_BELOW_THRESHOLD}
 * @param required the threshold the product needed, for {@link Cause#COUNT_BELOW_THRESHOLD}
 * @param detail a short sentence with the specifics (host name, skew, pack name), never a whole product key
 */
public record Diagnosis(Cause cause, OptionalInt count, OptionalInt required, String detail) {

    /** The causes the loop tells apart. */
    public enum Cause {
        HOST_UNREACHABLE("no KMS host answered"),
        NO_SRV_RECORD("no _vlmcs._tcp SRV record in DNS"),
        COUNT_BELOW_THRESHOLD("host count below the product's threshold"),
        CLOCK_SKEW("client and host clocks differ by more than " + KmsRules.MAX_CLOCK_SKEW.toHours() + " hours"),
        HOST_KEY_TOO_OLD("the host's key does not activate this product"),
        /** The host holds keys of another class only (a client host key asked by a server): a newer one won't do. */
        HOST_KEY_WRONG_CLASS(
                "the host's keys are of the wrong class for this product (a server needs a server host key)"),
        LICENSE_PACK_MISSING("the host lacks the product's license pack"),
        WRONG_KEY_FOR_EDITION("the installed key belongs to another edition"),
        INVALID_KEY("the product key is not valid"),
        NO_KEY_INSTALLED("no product key installed"),
        MAK_EXHAUSTED("the MAK has no activations left"),
        PLUGIN_FAILED("the family's plugin failed"),
        LICENSING_UNAVAILABLE("the licensing service did not answer (transient; retrying soon)"),
        CALL_TIMED_OUT("a licensing call did not return before its deadline (abandoned; retrying soon)"),
        PRODUCT_GONE("the product is no longer installed"),
        /** Access denied after the service's start-up (docs/troubleshooting.md): the agent lacks the rights. */
        ACCESS_DENIED("the licensing service denied access (the agent needs administrator rights)"),
        OTHER("activation refused");

        private final String summary;

        Cause(String summary) {
            this.summary = summary;
        }

        /** A few words for people. */
        public String summary() {
            return summary;
        }
    }

    public Diagnosis {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(count, "count");
        Objects.requireNonNull(required, "required");
        Objects.requireNonNull(detail, "detail");
    }

    /** A diagnosis without counts. */
    public static Diagnosis of(Cause cause, String detail) {
        return new Diagnosis(cause, OptionalInt.empty(), OptionalInt.empty(), detail);
    }

    /** The count was below the threshold: docs/kms-rules.md §1.5 (a client activates when count ≥ its N). */
    public static Diagnosis countBelow(int count, int required) {
        return new Diagnosis(
                Cause.COUNT_BELOW_THRESHOLD,
                OptionalInt.of(count),
                OptionalInt.of(required),
                "count " + count + " of " + required + ", needs " + Math.max(0, required - count) + " more");
    }

    /** How many more distinct machines the pool needs, for a count diagnosis. */
    public OptionalInt missing() {
        return count.isPresent() && required.isPresent()
                ? OptionalInt.of(Math.max(0, required.getAsInt() - count.getAsInt()))
                : OptionalInt.empty();
    }

    /**
     * The best guess from the result alone, for a licensing stack that cannot say more (on a real machine only the
     * code is known; the simulated stack knows the cause and reports it through {@link DiagnosableStack}).
     */
    public static Diagnosis fromResult(ActivationResult result) {
        int code = result.hresult().code();
        if (code == HResult.SL_E_VL_NOT_ENOUGH_COUNT.code()) {
            // The SLC stack has only the code: the cause is the same (and the MAK fallback waits on it), the figures
            // are not known.
            return result.reportedCount().isPresent() && result.requiredCount().isPresent()
                    ? countBelow(
                            result.reportedCount().getAsInt(),
                            result.requiredCount().getAsInt())
                    : of(Cause.COUNT_BELOW_THRESHOLD, "the host's count is below this product's threshold");
        }
        if (code == HResult.SL_E_VL_INVALID_TIMESTAMP.code()) {
            return of(Cause.CLOCK_SKEW, "the host rejected the request's timestamp");
        }
        if (code == HResult.SL_E_VL_BINDING_SERVICE_UNAVAILABLE.code()
                || code == HResult.RPC_S_SERVER_UNAVAILABLE.code()
                || code == HResult.SL_E_VL_BINDING_SERVICE_NOT_ENABLED.code()) {
            return of(Cause.HOST_UNREACHABLE, "no KMS host could be contacted");
        }
        if (code == HResult.DNS_ERROR_RCODE_NAME_ERROR.code()
                || code == HResult.DNS_INFO_NO_RECORDS.code()
                || code == HResult.DNS_NAME_NOT_FOUND.code()
                || code == HResult.ERROR_INVALID_NAME.code()) {
            return of(Cause.NO_SRV_RECORD, "DNS has no _vlmcs._tcp record");
        }
        if (code == HResult.DNS_ERROR_RCODE_SERVER_FAILURE.code()) {
            // docs/kms-rules.md §5: the lookup of the SRV record failed, so no host was found either.
            return of(Cause.NO_SRV_RECORD, "the DNS server failed the _vlmcs._tcp lookup");
        }
        if (code == HResult.SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH.code()) {
            return of(Cause.HOST_KEY_TOO_OLD, "the host cannot activate this product group");
        }
        if (code == HResult.SL_E_INVALID_PRODUCT_KEY.code()) {
            return of(Cause.INVALID_KEY, "the licensing service rejected the product key");
        }
        if (code == HResult.SL_E_PKEY_NOT_INSTALLED.code()) {
            return of(Cause.NO_KEY_INSTALLED, "no product key is installed");
        }
        if (code == HResult.SL_E_CHPA_DMAK_LIMIT_EXCEEDED.code()) {
            return of(Cause.MAK_EXHAUSTED, "the MAK has exceeded its activation limit");
        }
        if (Faults.accessDenied(code)) {
            return of(Cause.ACCESS_DENIED, result.hresult().toString());
        }
        return of(Cause.OTHER, result.hresult().toString());
    }

    /** E.g. {@code count below threshold: count 3 of 25, needs 22 more}. */
    @Override
    public String toString() {
        return cause.summary() + (detail.isEmpty() ? "" : ": " + detail);
    }
}
