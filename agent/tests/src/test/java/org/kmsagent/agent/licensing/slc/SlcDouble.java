package org.kmsagent.agent.licensing.slc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicenseStatus;

/**
 * The gcc-built SLC double (libslc.so / libosppc.so in {@code jna.library.path}), with helpers that script it.
 * Loading it skips the test with a message where gcc was absent and the library was not built.
 */
public final class SlcDouble {
    public static final UUID WINDOWS_APP = UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f");
    public static final UUID OFFICE2010_APP = UUID.fromString("59a52881-a989-479d-af46-f275c6370663");

    private final String library;
    private final SlcDoubleControl control;

    private SlcDouble(String library, SlcDoubleControl control) {
        this.library = library;
        this.control = control;
    }

    /** The product key id {@link #addProduct} installed for each SKU. */
    private final Map<UUID, UUID> pkeys = new ConcurrentHashMap<>();

    /** Loads the double built as {@code lib<library>.so}, skipping the test if it was not built. */
    public static SlcDouble load(String library) {
        String dir = System.getProperty("jna.library.path", "");
        Path file = Path.of(dir, "lib" + library + ".so");
        assumeTrue(
                !dir.isEmpty() && Files.isRegularFile(file),
                "native SLC double " + file + " not built (gcc absent, profile native-double inactive): skipping");
        SlcDouble d = new SlcDouble(library, Native.load(library, SlcDoubleControl.class));
        d.control.double_reset();
        return d;
    }

    /** Whether the double was built (for suites that check leaks only where it exists). */
    public static boolean built(String library) {
        String dir = System.getProperty("jna.library.path", "");
        return !dir.isEmpty() && Files.isRegularFile(Path.of(dir, "lib" + library + ".so"));
    }

    public SlcDoubleControl control() {
        return control;
    }

    public String library() {
        return library;
    }

    /** A client over the real bindings to this double. */
    public SlcClient client() {
        return SlcClient.forLibrary(library);
    }

    /** Adds a SKU of a new id with a key and a status; returns the SKU id. */
    public UUID addProduct(
            UUID app,
            String name,
            String description,
            String partial,
            String channel,
            LicenseStatus status,
            int graceMinutes,
            HResult reason) {
        return addProduct(app, UUID.randomUUID(), name, description, partial, channel, status, graceMinutes, reason);
    }

    /** Adds the SKU {@code sku} (a catalog's, for a family to find it) with a key and a status; returns its id. */
    public UUID addProduct(
            UUID app,
            UUID sku,
            String name,
            String description,
            String partial,
            String channel,
            LicenseStatus status,
            int graceMinutes,
            HResult reason) {
        check(control.double_add_sku(app.toString(), sku.toString(), name, description), "add_sku");
        UUID pkey = UUID.randomUUID();
        check(control.double_set_key(sku.toString(), pkey.toString(), partial, channel), "set_key");
        pkeys.put(sku, pkey);
        int eStatus = switch (status) {
            case UNLICENSED -> 0;
            case LICENSED -> 1;
            case NOTIFICATION -> 3;
            default -> 2;
        };
        check(control.double_set_status(sku.toString(), eStatus, graceMinutes, 30, reason.code(), 0), "set_status");
        return sku;
    }

    public void skuValue(UUID sku, String name, String text) {
        check(
                control.double_set_value(
                        SlcDoubleControl.SCOPE_SKU, sku.toString(), name, SlcDoubleControl.SL_DATA_SZ, text, 0),
                "set_value");
    }

    public void skuDword(UUID sku, String name, int value) {
        check(
                control.double_set_value(
                        SlcDoubleControl.SCOPE_SKU, sku.toString(), name, SlcDoubleControl.SL_DATA_DWORD, "", value),
                "set_value");
    }

    public void appDword(UUID app, String name, int value) {
        check(
                control.double_set_value(
                        SlcDoubleControl.SCOPE_APP, app.toString(), name, SlcDoubleControl.SL_DATA_DWORD, "", value),
                "set_value");
    }

    /** A text value of the product key {@link #addProduct} installed for {@code sku} (e.g. {@code DigitalPID}). */
    public void keyValue(UUID sku, String name, String text) {
        check(
                control.double_set_value(
                        SlcDoubleControl.SCOPE_PKEY,
                        pkeys.get(sku).toString(),
                        name,
                        SlcDoubleControl.SL_DATA_SZ,
                        text,
                        0),
                "set_value");
    }

    /** A text value of the licensing service ({@code SLGetServiceInformation}), e.g. {@code ClientMachineID}. */
    public void serviceValue(String name, String text) {
        check(
                control.double_set_value(
                        SlcDoubleControl.SCOPE_SERVICE, null, name, SlcDoubleControl.SL_DATA_SZ, text, 0),
                "set_value");
    }

    /** A DWORD value of the licensing service. */
    public void serviceDword(String name, int value) {
        check(
                control.double_set_value(
                        SlcDoubleControl.SCOPE_SERVICE, null, name, SlcDoubleControl.SL_DATA_DWORD, "", value),
                "set_value");
    }

    /** An SL_DATA_BINARY value of a SKU given as bytes (e.g. an 8-byte FILETIME for {@code TrustedTime}). */
    public void skuBinary(UUID sku, byte[] bytes) {
        StringBuilder hex = new StringBuilder("hex:");
        for (byte b : bytes) {
            hex.append(String.format("%02x", b & 0xff));
        }
        check(
                control.double_set_value(
                        SlcDoubleControl.SCOPE_SKU,
                        sku.toString(),
                        "TrustedTime",
                        SlcDoubleControl.SL_DATA_BINARY,
                        hex.toString(),
                        0),
                "set_value");
    }

    /** Records {@code hr} as the SKU's last activation attempt ({@code SL_LAST_ACT_ATTEMPT_HRESULT}). */
    public void lastAttempt(UUID sku, HResult hr) {
        check(
                control.double_set_value(
                        SlcDoubleControl.SCOPE_GENUINE,
                        sku.toString(),
                        "SL_LAST_ACT_ATTEMPT_HRESULT",
                        SlcDoubleControl.SL_DATA_DWORD,
                        "",
                        hr.code()),
                "set_value");
    }

    private static void check(int ok, String what) {
        if (ok == 0) {
            throw new IllegalStateException("double_" + what + " refused its arguments");
        }
    }
}
