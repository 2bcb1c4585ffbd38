package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.kmsagent.api.HResult;

/**
 * One client request as a genuine Windows KMS host logged it (event 12290 in its "Key Management Service" log,
 * docs/kms-rules.md §7). Only what the host wrote is kept; nothing here is inferred.
 *
 * @param recordId the event's record id in its log (restarts when the log is cleared, so it is unique only together
 *     with {@code hostTime})
 * @param hostTime when the host logged the request ({@code TimeCreated})
 * @param hostName the host that logged it ({@code Computer})
 * @param result the outcome the host logged (an HRESULT as written, e.g. {@code 0x0}); empty if the event had none
 * @param requiredCount the minimum count the client needs to activate (25, 5, ...)
 * @param clientName the client's FQDN
 * @param cmid the client machine id, as written (normally a GUID)
 * @param clientTime the client's time stamp, as written (the host does not say in which zone)
 * @param licenseState the client's license state (0 unlicensed, 1 licensed, 2 OOB grace, 3 OOT grace, 4 non-genuine
 *     grace, 5 notification, 6 extended grace)
 * @param minutesToExpiry minutes until the client's state expires
 * @param skuId the requesting product's SKU (activation) id, as written
 */
public record ObservedRequest(
        long recordId,
        Instant hostTime,
        String hostName,
        String result,
        int requiredCount,
        String clientName,
        String cmid,
        String clientTime,
        int licenseState,
        long minutesToExpiry,
        String skuId) {
    public ObservedRequest {
        Objects.requireNonNull(hostTime, "hostTime");
        hostName = Objects.requireNonNullElse(hostName, "");
        result = Objects.requireNonNullElse(result, "");
        Objects.requireNonNull(clientName, "clientName");
        Objects.requireNonNull(cmid, "cmid");
        clientTime = Objects.requireNonNullElse(clientTime, "");
        Objects.requireNonNull(skuId, "skuId");
    }

    /**
     * Whether the host counted this request's CMID: a request it refused (a host key that cannot activate the product,
     * a clock too far off: any failure other than a count still too low) does not build the count (docs/kms-rules.md
     * §1.2). A result the event leaves out, or one that is no HRESULT, is taken as counted.
     */
    public boolean counted() {
        return counted(result);
    }

    /** {@link #counted()} for a logged result: {@code 0x0}, {@code 0xC004F038}, decimal, or empty. */
    public static boolean counted(String result) {
        String r = result.strip();
        long code;
        try {
            code = r.regionMatches(true, 0, "0x", 0, 2) ? Long.parseLong(r.substring(2), 16) : Long.parseLong(r);
        } catch (NumberFormatException e) {
            return true;
        }
        int hr = (int) code;
        return hr >= 0 || hr == HResult.SL_E_VL_NOT_ENOUGH_COUNT.code();
    }

    /** The client this request came from: its name and CMID, case aside ({@link #client(String, String)}). */
    public String client() {
        return client(clientName, cmid);
    }

    /**
     * The one key of a client in the host's log: a machine is its name and its CMID, either written in any case (a
     * re-imaged machine keeps its name under a new CMID, a cloned one its CMID under a new name).
     */
    public static String client(String clientName, String cmid) {
        return clientName.toLowerCase(Locale.ROOT) + "|" + cmid.toLowerCase(Locale.ROOT);
    }

    /** The license state's name, as the event documents it. */
    public String licenseStateName() {
        return switch (licenseState) {
            case 0 -> "unlicensed";
            case 1 -> "licensed";
            case 2 -> "oob-grace";
            case 3 -> "oot-grace";
            case 4 -> "non-genuine-grace";
            case 5 -> "notification";
            case 6 -> "extended-grace";
            default -> "unknown(" + licenseState + ")";
        };
    }
}
