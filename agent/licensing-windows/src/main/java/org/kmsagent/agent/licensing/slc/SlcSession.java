package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.agent.licensing.win32.Utf16;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicensingException;

/**
 * One open SLC handle ({@code SLOpen} ... {@code SLClose}) with typed reads.
 *
 * <p>Every call is checked: a failure HRESULT becomes a {@link LicensingException} naming the call and carrying
 * {@link HResult#of(int)}; an answer that claims success but cannot be right (a null buffer with a non-zero count,
 * an absurd count, a value shorter than its type, a status record with an undefined state) becomes a
 * {@link LicensingException} with {@link HResult#RPC_X_BAD_STUB_DATA} that says what was wrong. Native memory is
 * never read past what was announced, and every buffer the library handed out is freed exactly once, in
 * {@code finally}, also when the answer was rejected (docs/kms-rules.md §8.5: free only after success, only if non-null).
 *
 * <p>Not thread-safe; open one session per operation (docs/kms-rules.md §8.6: handle lifetime is undocumented).
 */
public final class SlcSession implements AutoCloseable {
    /** More ids than any licence store holds: a count above this is a corrupt answer, not a big store. */
    static final int MAX_IDS = 65_536;
    /** Larger than any SLC value (licence blobs are read through other calls). */
    static final int MAX_VALUE_BYTES = 1 << 20;

    private final SlcLibrary lib;
    private final NativeMemory memory;
    private final String library;
    private Pointer handle;

    private SlcSession(SlcLibrary lib, NativeMemory memory, String library, Pointer handle) {
        this.lib = lib;
        this.memory = memory;
        this.library = library;
        this.handle = handle;
    }

    /** {@code SLOpen}. */
    static SlcSession open(SlcLibrary lib, NativeMemory memory, String library) throws LicensingException {
        PointerByReference h = new PointerByReference();
        check(library, lib.SLOpen(h), "SLOpen");
        if (h.getValue() == null) {
            throw malformed(library, "SLOpen", "returned S_OK without a handle");
        }
        return new SlcSession(lib, memory, library, h.getValue());
    }

    /** The client library this session is open on ({@code slc} or {@code osppc}). */
    public String library() {
        return library;
    }

    /** {@code SLGetSLIDList}: the ids of kind {@code returnType} related to {@code queryId} of kind {@code queryType}. */
    public List<UUID> idList(SlIdType queryType, UUID queryId, SlIdType returnType) throws LicensingException {
        IntByReference n = new IntByReference();
        PointerByReference out = new PointerByReference();
        String call = "SLGetSLIDList(" + queryType + " " + queryId + " -> " + returnType + ")";
        int hr = lib.SLGetSLIDList(live(), queryType.code(), guid(queryId), returnType.code(), n, out);
        return readIds(call, hr, n, out);
    }

    /** The SKUs of an application that hold licenses (most keyless; docs/kms-rules.md §8.1). */
    public List<UUID> skuIds(UUID applicationId) throws LicensingException {
        return idList(SlIdType.APPLICATION, applicationId, SlIdType.PRODUCT_SKU);
    }

    /** {@code SLGetInstalledProductKeyIds}: the product keys installed for a SKU. */
    public List<UUID> installedProductKeyIds(UUID skuId) throws LicensingException {
        IntByReference n = new IntByReference();
        PointerByReference out = new PointerByReference();
        int hr = lib.SLGetInstalledProductKeyIds(live(), NativeGuids.toGuid(skuId), n, out);
        return readIds("SLGetInstalledProductKeyIds(" + skuId + ")", hr, n, out);
    }

    /**
     * {@code SLGetLicensingStatusInformation}: the status records for an application and/or SKU (either may be
     * null, not both). The array is copied and freed here.
     */
    public List<SlLicensingStatus> licensingStatus(UUID applicationId, UUID skuId) throws LicensingException {
        IntByReference n = new IntByReference();
        PointerByReference out = new PointerByReference();
        String call = "SLGetLicensingStatusInformation(app " + applicationId + ", sku " + skuId + ")";
        int hr = lib.SLGetLicensingStatusInformation(live(), guid(applicationId), guid(skuId), null, n, out);
        check(library, hr, call);
        Pointer p = out.getValue();
        try {
            long count = Integer.toUnsignedLong(n.getValue());
            checkArray(call, count, p);
            List<SlLicensingStatus> records = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                SlLicensingStatus r =
                        new SlLicensingStatusStruct(p.share((long) SlLicensingStatusStruct.SIZE * i)).toValue();
                if (r.status() < 0 || r.status() > 3) {
                    throw malformed(
                            library,
                            call,
                            "record " + i + " has undefined SLLICENSINGSTATUS " + r.status()
                                    + " (a truncated or unfilled SL_LICENSING_STATUS)");
                }
                records.add(r);
            }
            return List.copyOf(records);
        } finally {
            memory.free(p);
        }
    }

    /** {@code SLGetProductSkuInformation}. */
    public SlValue skuInformation(UUID skuId, String name) throws LicensingException {
        Reply r = new Reply();
        int hr = lib.SLGetProductSkuInformation(live(), NativeGuids.toGuid(skuId), Utf16.of(name), r.type, r.cb, r.out);
        return readValue("SLGetProductSkuInformation(" + skuId + ", " + name + ")", hr, r);
    }

    /** {@code SLGetPKeyInformation}. */
    public SlValue pkeyInformation(UUID pkeyId, String name) throws LicensingException {
        Reply r = new Reply();
        int hr = lib.SLGetPKeyInformation(live(), NativeGuids.toGuid(pkeyId), Utf16.of(name), r.type, r.cb, r.out);
        return readValue("SLGetPKeyInformation(" + pkeyId + ", " + name + ")", hr, r);
    }

    /** {@code SLGetApplicationInformation} (the KMS host counters, {@code IsKeyManagementService}). */
    public SlValue applicationInformation(UUID applicationId, String name) throws LicensingException {
        Reply r = new Reply();
        int hr = lib.SLGetApplicationInformation(
                live(), NativeGuids.toGuid(applicationId), Utf16.of(name), r.type, r.cb, r.out);
        return readValue("SLGetApplicationInformation(" + applicationId + ", " + name + ")", hr, r);
    }

    /** {@code SLGetServiceInformation}. */
    public SlValue serviceInformation(String name) throws LicensingException {
        Reply r = new Reply();
        int hr = lib.SLGetServiceInformation(live(), Utf16.of(name), r.type, r.cb, r.out);
        return readValue("SLGetServiceInformation(" + name + ")", hr, r);
    }

    /**
     * {@code SLGetGenuineInformation} for a SKU (it takes no handle, but is read in a session like the others).
     *
     * @throws UnsatisfiedLinkError if the library does not export it (not every OSPP build is known to)
     */
    public SlValue genuineInformation(UUID skuId, String name) throws LicensingException {
        live();
        Reply r = new Reply();
        int hr = lib.SLGetGenuineInformation(NativeGuids.toGuid(skuId), Utf16.of(name), r.type, r.cb, r.out);
        return readValue("SLGetGenuineInformation(" + skuId + ", " + name + ")", hr, r);
    }

    /** A read that answers empty where SLC says {@code SL_E_VALUE_NOT_FOUND}. */
    @FunctionalInterface
    public interface ValueRead {
        SlValue read() throws LicensingException;
    }

    /** Runs {@code read}, answering empty for a value the store does not hold. */
    public static Optional<SlValue> ifPresent(ValueRead read) throws LicensingException {
        try {
            return Optional.of(read.read());
        } catch (LicensingException e) {
            if (e.hresult().code() == HResult.SL_E_VALUE_NOT_FOUND.code()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code SLClose}. */
    @Override
    public void close() throws LicensingException {
        if (handle == null) {
            return;
        }
        Pointer h = handle;
        handle = null;
        check(library, lib.SLClose(h), "SLClose");
    }

    private Pointer live() {
        if (handle == null) {
            throw new IllegalStateException("SLC session on " + library + " is closed");
        }
        return handle;
    }

    private static NativeGuid guid(UUID id) {
        return id == null ? null : NativeGuids.toGuid(id);
    }

    private List<UUID> readIds(String call, int hr, IntByReference n, PointerByReference out)
            throws LicensingException {
        check(library, hr, call);
        Pointer p = out.getValue();
        try {
            long count = Integer.toUnsignedLong(n.getValue());
            checkArray(call, count, p);
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add(NativeGuids.read(p, i));
            }
            return List.copyOf(ids);
        } finally {
            memory.free(p);
        }
    }

    private void checkArray(String call, long count, Pointer p) throws LicensingException {
        if (count > MAX_IDS) {
            throw malformed(library, call, "announced " + count + " entries, more than any licence store holds");
        }
        if (count > 0 && p == null) {
            throw malformed(library, call, "announced " + count + " entries with a null array");
        }
    }

    private SlValue readValue(String call, int hr, Reply r) throws LicensingException {
        check(library, hr, call);
        Pointer p = r.out.getValue();
        try {
            long cb = Integer.toUnsignedLong(r.cb.getValue());
            int typeCode = r.type.getValue();
            SlDataType type = SlDataType.of(typeCode)
                    .orElseThrow(() -> malformed(library, call, "answered undefined SLDATATYPE " + typeCode));
            if (cb > MAX_VALUE_BYTES) {
                throw malformed(library, call, "announced a " + cb + "-byte value");
            }
            if (p == null) {
                throw malformed(library, call, "returned S_OK with a null value buffer (" + cb + " bytes announced)");
            }
            byte[] bytes = p.getByteArray(0, (int) cb);
            return switch (type) {
                case SZ -> new SlValue.Sz(Utf16.decode(utf16(call, bytes)));
                case MULTI_SZ -> new SlValue.MultiSz(Utf16.decodeList(utf16(call, bytes)));
                case DWORD -> {
                    if (cb != 4) {
                        throw malformed(
                                library, call, "SL_DATA_DWORD value of " + cb + " bytes (expected 4: truncated)");
                    }
                    yield new SlValue.Dword(p.getInt(0));
                }
                case BINARY, NONE, SUM -> new SlValue.Binary(bytes);
            };
        } finally {
            memory.free(p);
        }
    }

    private byte[] utf16(String call, byte[] bytes) throws LicensingException {
        if (bytes.length % 2 != 0) {
            throw malformed(library, call, "UTF-16 value of odd length " + bytes.length + " bytes (truncated)");
        }
        return bytes;
    }

    static void check(String library, int hr, String call) throws LicensingException {
        if (hr < 0) {
            throw new LicensingException(HResult.of(hr), library + " " + call + " failed");
        }
    }

    static LicensingException malformed(String library, String call, String what) {
        return new LicensingException(
                HResult.RPC_X_BAD_STUB_DATA, library + " " + call + " gave a malformed answer: " + what);
    }

    /** The three outputs of a value read, initialised to NULL/0 so an untouched output reads as absent. */
    private static final class Reply {
        final IntByReference type = new IntByReference();
        final IntByReference cb = new IntByReference();
        final PointerByReference out = new PointerByReference();
    }
}
