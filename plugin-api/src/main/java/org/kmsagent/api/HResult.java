package org.kmsagent.api;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Windows HRESULT with the symbolic name and the meaning that slmgr shows for it.
 *
 * <p>The table is Microsoft's public error list (slerror.h and the activation error-code article, gathered in
 * docs/kms-rules.md §5). An unknown code keeps its hex and says it is unknown.
 *
 * @param code the 32-bit HRESULT (failure codes are negative as a Java int)
 * @param name the symbolic name, e.g. {@code SL_E_VL_NOT_ENOUGH_COUNT}
 * @param meaning what it means, in the words an administrator meets
 */
public record HResult(int code, String name, String meaning) {
    private static final Map<Integer, HResult> KNOWN = new LinkedHashMap<>();

    public static final HResult S_OK = known(0x00000000, "S_OK", "The operation completed successfully.");
    public static final HResult SL_E_VL_NOT_ENOUGH_COUNT = known(
            0xC004F038,
            "SL_E_VL_NOT_ENOUGH_COUNT",
            "The count reported by your Key Management Service (KMS) is insufficient.");
    public static final HResult SL_E_VL_BINDING_SERVICE_NOT_ENABLED = known(
            0xC004F039, "SL_E_VL_BINDING_SERVICE_NOT_ENABLED", "The Key Management Service (KMS) is not enabled.");
    public static final HResult SL_E_VL_KEY_MANAGEMENT_SERVICE_NOT_ACTIVATED = known(
            0xC004F041,
            "SL_E_VL_KEY_MANAGEMENT_SERVICE_NOT_ACTIVATED",
            "The Key Management Service (KMS) host is not activated.");
    public static final HResult SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH = known(
            0xC004F042,
            "SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH",
            "The specified Key Management Service (KMS) cannot be used.");
    public static final HResult SL_E_VL_BINDING_SERVICE_UNAVAILABLE = known(
            0xC004F074, "SL_E_VL_BINDING_SERVICE_UNAVAILABLE", "No Key Management Service (KMS) could be contacted.");
    public static final HResult SL_E_VL_INVALID_TIMESTAMP = known(
            0xC004F06C,
            "SL_E_VL_INVALID_TIMESTAMP",
            "The request timestamp is invalid (client and KMS host clocks differ by more than four hours).");
    public static final HResult SL_E_CHPA_PRODUCT_KEY_BLOCKED = known(
            0xC004C003,
            "SL_E_CHPA_PRODUCT_KEY_BLOCKED",
            "The activation server determined the specified product key is blocked.");
    public static final HResult SL_E_CHPA_MAXIMUM_UNLOCK_EXCEEDED = known(
            0xC004C008,
            "SL_E_CHPA_MAXIMUM_UNLOCK_EXCEEDED",
            "The activation server reported that the product key has exceeded its unlock limit.");
    public static final HResult SL_E_VL_NOT_WINDOWS_SLP = known(
            0xC004F035,
            "SL_E_VL_NOT_WINDOWS_SLP",
            "The computer could not be activated with a Volume license product key.");
    public static final HResult SL_E_INVALID_PRODUCT_KEY = known(
            0xC004F050,
            "SL_E_INVALID_PRODUCT_KEY",
            "The Software Licensing Service reported that the product key is invalid.");
    public static final HResult DNS_ERROR_RCODE_NAME_ERROR =
            known(0x8007232B, "DNS_ERROR_RCODE_NAME_ERROR", "DNS name does not exist.");
    public static final HResult DNS_ERROR_RCODE_SERVER_FAILURE =
            known(0x8007232A, "DNS_ERROR_RCODE_SERVER_FAILURE", "DNS server failure.");
    public static final HResult RPC_S_SERVER_UNAVAILABLE =
            known(0x800706BA, "RPC_S_SERVER_UNAVAILABLE", "The RPC server is unavailable.");
    public static final HResult DNS_INFO_NO_RECORDS =
            known(0x8007251D, "DNS_INFO_NO_RECORDS", "No records found for DNS query.");
    public static final HResult ERROR_INVALID_NAME =
            known(0x8007007B, "ERROR_INVALID_NAME", "DNS name does not exist (no KMS SRV records found).");
    public static final HResult SL_E_GRACE_TIME_EXPIRED = known(
            0xC004F009,
            "SL_E_GRACE_TIME_EXPIRED",
            "The grace period expired; the system is in the Notifications state.");
    public static final HResult SL_E_PKEY_NOT_INSTALLED =
            known(0xC004F014, "SL_E_PKEY_NOT_INSTALLED", "The product key is not available (no key installed).");
    public static final HResult SL_E_EVALUATION_FAILED = known(
            0xC004E003,
            "SL_E_EVALUATION_FAILED",
            "The Software Licensing Service reported that license evaluation failed.");
    /**
     * The product SKU is not found: slerror.h's SL_E_MISMATCHED_PRODUCT_SKU (docs/kms-rules.md §8.4). Not 0xC004F066,
     * which slmgr labels "SKU not found" but slerror.h names a dependent property not set (§8.6, pitfall 10).
     */
    public static final HResult SL_E_SKU_NOT_FOUND = known(
            0xC004F069,
            "SL_E_MISMATCHED_PRODUCT_SKU",
            "The Software Protection Service reported that the product SKU is not found.");
    /** A genuine-information property set before the property it depends on; slmgr mislabels it (§8.6, pitfall 10). */
    public static final HResult SL_E_DEPENDENT_PROPERTY_NOT_SET = known(
            0xC004F066,
            "SL_E_DEPENDENT_PROPERTY_NOT_SET",
            "A genuine information property cannot be set before the property it depends on is set.");

    public static final HResult SL_E_LUA_ACCESSDENIED = known(
            0xC004F025, "SL_E_LUA_ACCESSDENIED", "Access denied: the requested action requires elevated privileges.");
    public static final HResult E_ACCESSDENIED = known(0x80070005, "E_ACCESSDENIED", "Access is denied.");
    public static final HResult E_INVALIDARG = known(0x80070057, "E_INVALIDARG", "The parameter is incorrect.");
    public static final HResult SL_E_NOT_SUPPORTED =
            known(0xC004F016, "SL_E_NOT_SUPPORTED", "The request is not supported.");
    public static final HResult SL_E_CHPA_DMAK_LIMIT_EXCEEDED = known(
            0xC004C020,
            "SL_E_CHPA_DMAK_LIMIT_EXCEEDED",
            "The activation server reported that the Multiple Activation Key has exceeded its limit.");
    public static final HResult SL_I_OOB_GRACE_PERIOD =
            known(0x4004F00C, "SL_I_OOB_GRACE_PERIOD", "The application is running within the valid grace period.");
    public static final HResult SL_I_OOT_GRACE_PERIOD = known(
            0x4004F00D,
            "SL_I_OOT_GRACE_PERIOD",
            "The application is running within the valid out of tolerance grace period.");
    public static final HResult SL_I_NONGENUINE_GRACE_PERIOD = known(
            0x4004F065,
            "SL_I_NONGENUINE_GRACE_PERIOD",
            "The application is running within the valid non-genuine period.");
    public static final HResult SL_I_TIMEBASED_EXTENDED_GRACE_PERIOD = known(
            0x4004FC06,
            "SL_I_TIMEBASED_EXTENDED_GRACE_PERIOD",
            "The application is running within the valid extended grace period.");
    /**
     * @deprecated the name slerror.h does not give 0x4004FC06; it is {@link #SL_I_TIMEBASED_EXTENDED_GRACE_PERIOD},
     *     kept for plugins built against plugin API 0.1.0
     */
    @Deprecated
    public static final HResult SL_I_EXTENDED_GRACE_PERIOD = SL_I_TIMEBASED_EXTENDED_GRACE_PERIOD;

    // Added for the SLC stack and doctor (docs/kms-rules.md §8.4, docs/kms-rules.md §5): codes met in KMS/MAK
    // activation that the
    // table above lacked, plus RPC_X_BAD_STUB_DATA, which the agent reports for a malformed native answer.
    public static final HResult SL_E_VL_INFO_PRODUCT_USER_RIGHT = known(
            0x4004F040,
            "SL_E_VL_INFO_PRODUCT_USER_RIGHT",
            "The product was activated, but the owner should verify the Product Use Rights.");
    public static final HResult SL_E_CHPA_PRODUCT_KEY_OUT_OF_RANGE = known(
            0xC004C001,
            "SL_E_CHPA_PRODUCT_KEY_OUT_OF_RANGE",
            "The activation server determined the specified product key is invalid.");
    public static final HResult SL_E_CHPA_INVALID_PRODUCT_KEY = known(
            0xC004C004,
            "SL_E_CHPA_INVALID_PRODUCT_KEY",
            "The activation server determined the specified product key is invalid.");
    public static final HResult SL_E_CHPA_DMAK_EXTENSION_LIMIT_EXCEEDED = known(
            0xC004C021,
            "SL_E_CHPA_DMAK_EXTENSION_LIMIT_EXCEEDED",
            "The activation server reported that the Multiple Activation Key extension limit has been exceeded.");
    public static final HResult SL_E_PKEY_INVALID_CONFIG = known(
            0xC004E016,
            "SL_E_PKEY_INVALID_CONFIG",
            "The Software Licensing Service reported that the product key configuration is invalid.");
    public static final HResult SL_E_PKEY_INVALID_ALGORITHM = known(
            0xC004E018,
            "SL_E_PKEY_INVALID_ALGORITHM",
            "The Software Licensing Service reported that the product key algorithm is invalid.");
    public static final HResult SL_E_OUT_OF_TOLERANCE = known(
            0xC004F00F,
            "SL_E_OUT_OF_TOLERANCE",
            "The hardware is out of tolerance; for a KMS client, the KMS license has expired.");
    public static final HResult SL_E_INVALID_PKEY = known(
            0xC004F010,
            "SL_E_INVALID_PKEY",
            "The Software Licensing Service reported that the product key is invalid.");
    public static final HResult SL_E_VALUE_NOT_FOUND =
            known(0xC004F012, "SL_E_VALUE_NOT_FOUND", "The licensing store has no value of that name.");
    public static final HResult SL_E_PRODUCT_SKU_NOT_INSTALLED =
            known(0xC004F015, "SL_E_PRODUCT_SKU_NOT_INSTALLED", "The license for this product SKU is not installed.");
    public static final HResult SL_E_BLOCKED_PRODUCT_KEY = known(
            0xC004F051,
            "SL_E_BLOCKED_PRODUCT_KEY",
            "The Software Licensing Service reported that the product key is blocked.");
    public static final HResult SL_E_PKEY_INVALID_UPGRADE =
            known(0xC004F061, "SL_E_PKEY_INVALID_UPGRADE", "The product key is only valid as an upgrade key.");
    public static final HResult SL_E_RIGHT_NOT_CONSUMED =
            known(0xC004F002, "SL_E_RIGHT_NOT_CONSUMED", "No license right has been consumed yet.");
    public static final HResult SL_E_APPLICATION_POLICIES_NOT_LOADED = known(
            0xC004F073,
            "SL_E_APPLICATION_POLICIES_NOT_LOADED",
            "The licensing service could not load the application's policies.");
    public static final HResult SL_E_NOT_GENUINE =
            known(0xC004F200, "SL_E_NOT_GENUINE", "The current state is not genuine.");
    public static final HResult SL_I_TIMEBASED_VALIDITY_PERIOD = known(
            0x4004FC04,
            "SL_I_TIMEBASED_VALIDITY_PERIOD",
            "The application is running within the timebased validity period.");
    public static final HResult SL_I_PERPETUAL_OOB_GRACE_PERIOD =
            known(0x4004FC05, "SL_I_PERPETUAL_OOB_GRACE_PERIOD", "The application has a perpetual grace period.");
    /** No symbolic name is published for this code; Microsoft lists it as "DNS name does not exist" (§5). */
    public static final HResult DNS_NAME_NOT_FOUND =
            known(0x80092328, "0x80092328", "DNS name does not exist (Microsoft's wording; no KMS SRV records found).");

    public static final HResult ERROR_SERVICE_DISABLED = known(
            0x80070422,
            "ERROR_SERVICE_DISABLED",
            "The service cannot be started because it is disabled (sppsvc or osppsvc).");
    public static final HResult ERROR_SERVICE_NOT_ACTIVE =
            known(0x80070426, "ERROR_SERVICE_NOT_ACTIVE", "The service has not been started.");
    public static final HResult ERROR_INVALID_DATA =
            known(0x8007000D, "ERROR_INVALID_DATA", "The data is invalid (a KMS host too old for this product).");
    public static final HResult RPC_X_BAD_STUB_DATA =
            known(0x800706F7, "RPC_X_BAD_STUB_DATA", "The licensing library returned a malformed answer.");
    // COM and WMI answers met on the write path (WMI's SoftwareLicensing classes, docs/kms-rules.md §8.4).
    public static final HResult RPC_S_SERVER_TOO_BUSY =
            known(0x800706BB, "RPC_S_SERVER_TOO_BUSY", "The RPC server is too busy to complete this operation.");
    public static final HResult RPC_S_CALL_FAILED =
            known(0x800706BE, "RPC_S_CALL_FAILED", "The remote procedure call failed.");
    public static final HResult RPC_S_CALL_FAILED_DNE =
            known(0x800706BF, "RPC_S_CALL_FAILED_DNE", "The remote procedure call failed and did not execute.");
    public static final HResult RPC_E_DISCONNECTED =
            known(0x80010108, "RPC_E_DISCONNECTED", "The object invoked has disconnected from its clients.");
    public static final HResult RPC_E_TIMEOUT =
            known(0x8001011F, "RPC_E_TIMEOUT", "This operation returned because the timeout period expired.");
    public static final HResult CO_E_SERVER_EXEC_FAILURE =
            known(0x80080005, "CO_E_SERVER_EXEC_FAILURE", "Server execution failed.");
    public static final HResult WBEM_E_NOT_FOUND = known(0x80041002, "WBEM_E_NOT_FOUND", "Object cannot be found.");
    public static final HResult WBEM_E_ACCESS_DENIED =
            known(0x80041003, "WBEM_E_ACCESS_DENIED", "The caller lacks the rights WMI asks for the operation.");
    public static final HResult WBEM_E_INVALID_CLASS =
            known(0x80041010, "WBEM_E_INVALID_CLASS", "The class is not valid (its provider is not registered).");
    public static final HResult WBEM_E_PROVIDER_LOAD_FAILURE =
            known(0x80041013, "WBEM_E_PROVIDER_LOAD_FAILURE", "WMI could not load the class's provider.");
    public static final HResult WBEM_E_TRANSPORT_FAILURE =
            known(0x80041015, "WBEM_E_TRANSPORT_FAILURE", "WMI could not reach the provider.");
    public static final HResult WBEM_E_INVALID_METHOD =
            known(0x8004102E, "WBEM_E_INVALID_METHOD", "The method is not valid for this class.");
    public static final HResult WBEM_E_SHUTTING_DOWN =
            known(0x80041033, "WBEM_E_SHUTTING_DOWN", "WMI is shutting down.");
    public static final HResult WBEM_E_SERVER_TOO_BUSY =
            known(0x80041045, "WBEM_E_SERVER_TOO_BUSY", "WMI is too busy to handle the request.");

    private static HResult known(int code, String name, String meaning) {
        HResult h = new HResult(code, name, meaning);
        KNOWN.put(code, h);
        return h;
    }

    /** The known HRESULT with that code, or one named by its hex that says it is not known. */
    public static HResult of(int code) {
        HResult h = KNOWN.get(code);
        return h != null ? h : new HResult(code, hex(code), "Unknown error code " + hex(code) + ".");
    }

    /** The known HRESULT with that code, if the table has it. */
    public static Optional<HResult> lookup(int code) {
        return Optional.ofNullable(KNOWN.get(code));
    }

    /** Every code in the table, in declaration order. */
    public static Collection<HResult> known() {
        return Collections.unmodifiableCollection(KNOWN.values());
    }

    /** {@code 0xC004F038} form. */
    public static String hex(int code) {
        return String.format("0x%08X", code);
    }

    /** The code in {@code 0xC004F038} form. */
    public String hex() {
        return hex(code);
    }

    /** Success codes have the severity bit clear. */
    public boolean succeeded() {
        return code >= 0;
    }

    /** Whether the table knows this code. */
    public boolean isKnown() {
        return KNOWN.containsKey(code);
    }

    @Override
    public String toString() {
        return hex() + " " + name;
    }
}
