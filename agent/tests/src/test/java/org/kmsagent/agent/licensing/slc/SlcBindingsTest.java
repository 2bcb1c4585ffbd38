package org.kmsagent.agent.licensing.slc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;

/** Every bound SL function through the real JNA bindings against the gcc-built double. */
@ExtendWith(NoNativeLeaks.class)
class SlcBindingsTest {
    private SlcDouble dbl;
    private SlcDoubleControl ctl;
    private UUID sku;

    @BeforeEach
    void script() {
        dbl = SlcDouble.load("slc");
        ctl = dbl.control();
        sku = dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Windows(R), Professional edition",
                "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
                "T83GX",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                259_200,
                HResult.S_OK);
    }

    @Test
    void opensAndClosesAHandleTheLibraryCounts() throws Exception {
        SlcSession s = dbl.client().open();
        assertThat(ctl.double_open_handles()).isEqualTo(1);
        s.close();
        assertThat(ctl.double_open_handles()).isZero();
    }

    @Test
    void listsTheSkusOfAnApplicationAndTheKeyOfASku() throws Exception {
        UUID second = dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Windows(R), Enterprise edition",
                "VOLUME_KMSCLIENT",
                "PGGM7",
                "Volume:GVLK",
                LicenseStatus.INITIAL_GRACE,
                43_200,
                HResult.SL_I_OOB_GRACE_PERIOD);
        dbl.addProduct(
                SlcDouble.OFFICE2010_APP,
                "Office 14, OfficeProPlus-KMS_Client edition",
                "VOLUME_KMSCLIENT",
                "VYBBJ",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                1000,
                HResult.S_OK);
        try (SlcSession s = dbl.client().open()) {
            assertThat(s.skuIds(SlcDouble.WINDOWS_APP)).containsExactly(sku, second);
            List<UUID> viaList = s.idList(SlIdType.PRODUCT_SKU, sku, SlIdType.PKEY);
            assertThat(viaList).hasSize(1);
            assertThat(s.installedProductKeyIds(sku)).isEqualTo(viaList);
            assertThat(s.idList(SlIdType.PRODUCT_SKU, sku, SlIdType.APPLICATION))
                    .containsExactly(SlcDouble.WINDOWS_APP);
            assertThat(s.skuIds(UUID.randomUUID())).isEmpty();
        }
    }

    @Test
    void readsSkuAndKeyValuesWithTheirTypes() throws Exception {
        dbl.skuDword(sku, "VLRenewalInterval", 10_080);
        try (SlcSession s = dbl.client().open()) {
            assertThat(s.skuInformation(sku, "Name")).isEqualTo(new SlValue.Sz("Windows(R), Professional edition"));
            assertThat(s.skuInformation(sku, "VLRenewalInterval")).isEqualTo(new SlValue.Dword(10_080));
            UUID pkey = s.installedProductKeyIds(sku).get(0);
            assertThat(s.pkeyInformation(pkey, "PartialProductKey")).hasToString("T83GX");
            assertThat(s.pkeyInformation(pkey, "Channel")).hasToString("Volume:GVLK");
            // ProductSkuId is SL_DATA_BINARY: the 16-byte SLID in Windows GUID layout.
            SlValue.Binary id = (SlValue.Binary) s.pkeyInformation(pkey, "ProductSkuId");
            assertThat(NativeGuids.fromBytes(id.bytes())).isEqualTo(sku);
        }
    }

    @Test
    void aNonAsciiSkuNameRoundTripsThroughUtf16() throws Exception {
        String name = "Büro Ñandú Ελληνικά 日本語 \uD83D\uDCBC edition";
        UUID other = UUID.randomUUID();
        ctl.double_add_sku(SlcDouble.WINDOWS_APP.toString(), other.toString(), name, "Beschreibung ß");
        try (SlcSession s = dbl.client().open()) {
            assertThat(s.skuInformation(other, "Name")).hasToString(name);
            assertThat(s.skuInformation(other, "Description")).hasToString("Beschreibung ß");
        }
    }

    @Test
    void readsStatusRecordsAsFortyByteStructs() throws Exception {
        Instant expiry = Instant.parse("2026-12-01T00:00:00Z");
        ctl.double_set_status(
                sku.toString(),
                2,
                43_000,
                30,
                HResult.SL_I_OOT_GRACE_PERIOD.code(),
                SlLicensingStatus.toFileTime(expiry));
        UUID second = dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Second",
                "VOLUME_KMSCLIENT",
                "AAAAA",
                "Volume:GVLK",
                LicenseStatus.NOTIFICATION,
                0,
                HResult.SL_E_GRACE_TIME_EXPIRED);
        assertThat(new SlLicensingStatusStruct().size()).isEqualTo(SlLicensingStatusStruct.SIZE);
        try (SlcSession s = dbl.client().open()) {
            List<SlLicensingStatus> all = s.licensingStatus(SlcDouble.WINDOWS_APP, null);
            assertThat(all).extracting(SlLicensingStatus::skuId).containsExactly(sku, second);
            SlLicensingStatus first = all.get(0);
            assertThat(first.status()).isEqualTo(2);
            assertThat(first.graceMinutes()).isEqualTo(43_000);
            assertThat(first.totalGraceDays()).isEqualTo(30);
            assertThat(first.reason()).isEqualTo(0x4004F00D);
            assertThat(first.validUntil()).contains(expiry);
            assertThat(all.get(1).status()).isEqualTo(3);
            assertThat(HResult.of(all.get(1).reason())).isEqualTo(HResult.SL_E_GRACE_TIME_EXPIRED);
            assertThat(s.licensingStatus(null, second))
                    .extracting(SlLicensingStatus::skuId)
                    .containsExactly(second);
        }
    }

    @Test
    void readsApplicationAndServiceValues() throws Exception {
        dbl.appDword(SlcDouble.WINDOWS_APP, "KeyManagementServiceCurrentCount", 26);
        ctl.double_set_value(
                SlcDoubleControl.SCOPE_SERVICE, null, "Version", SlcDoubleControl.SL_DATA_SZ, "10.0.19041.1", 0);
        ctl.double_set_value(
                SlcDoubleControl.SCOPE_SERVICE,
                null,
                "ActivePlugins",
                SlcDoubleControl.SL_DATA_MULTI_SZ,
                "msft:rm/algorithm/pkey/2005|msft:spp/ActivationPlugin",
                0);
        try (SlcSession s = dbl.client().open()) {
            assertThat(s.applicationInformation(SlcDouble.WINDOWS_APP, "KeyManagementServiceCurrentCount"))
                    .isEqualTo(new SlValue.Dword(26));
            assertThat(s.serviceInformation("Version")).isEqualTo(new SlValue.Sz("10.0.19041.1"));
            assertThat(s.serviceInformation("ActivePlugins"))
                    .isEqualTo(
                            new SlValue.MultiSz(List.of("msft:rm/algorithm/pkey/2005", "msft:spp/ActivationPlugin")));
        }
    }

    @Test
    void readsTheLastActivationAttemptThroughGenuineInformation() throws Exception {
        dbl.lastAttempt(sku, HResult.SL_E_VL_NOT_ENOUGH_COUNT);
        try (SlcSession s = dbl.client().open()) {
            assertThat(s.genuineInformation(sku, "SL_LAST_ACT_ATTEMPT_HRESULT"))
                    .isEqualTo(new SlValue.Dword(0xC004F038));
        }
    }

    @Test
    void anUnknownValueIsSlValueNotFoundAndIfPresentMakesItEmpty() throws Exception {
        try (SlcSession s = dbl.client().open()) {
            assertThatThrownBy(() -> s.skuInformation(sku, "NoSuchValue"))
                    .isInstanceOfSatisfying(
                            LicensingException.class,
                            e -> assertThat(e.hresult()).isEqualTo(HResult.SL_E_VALUE_NOT_FOUND))
                    .hasMessageContaining("SLGetProductSkuInformation")
                    .hasMessageContaining("NoSuchValue");
            assertThat(SlcSession.ifPresent(() -> s.skuInformation(sku, "NoSuchValue")))
                    .isEmpty();
        }
    }

    @Test
    void anUnsupportedIdPairIsSlENotSupported() throws Exception {
        try (SlcSession s = dbl.client().open()) {
            assertThatThrownBy(() -> s.idList(SlIdType.PKEY, sku, SlIdType.LICENSE))
                    .isInstanceOfSatisfying(
                            LicensingException.class,
                            e -> assertThat(e.hresult()).isEqualTo(HResult.SL_E_NOT_SUPPORTED));
        }
    }

    @Test
    void aFailedSlOpenNamesTheCallAndItsMeaning() {
        ctl.double_set_error("SLOpen", HResult.ERROR_SERVICE_DISABLED.code());
        assertThatThrownBy(() -> dbl.client().open())
                .isInstanceOfSatisfying(
                        LicensingException.class,
                        e -> assertThat(e.hresult()).isEqualTo(HResult.ERROR_SERVICE_DISABLED))
                .hasMessageContaining("slc SLOpen failed")
                .hasMessageContaining("0x80070422")
                .hasMessageContaining("disabled");
    }

    @Test
    void aFailedSlCloseIsReportedAndTheHandleIsStillReleased() throws Exception {
        ctl.double_set_error("SLClose", HResult.E_INVALIDARG.code());
        SlcSession s = dbl.client().open();
        assertThatThrownBy(s::close).isInstanceOf(LicensingException.class).hasMessageContaining("SLClose");
        assertThat(ctl.double_open_handles()).isZero();
    }

    /** Each bound read, failing with a code the table does not know: the error names the call and keeps the hex. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "SLGetSLIDList",
                "SLGetInstalledProductKeyIds",
                "SLGetLicensingStatusInformation",
                "SLGetProductSkuInformation",
                "SLGetPKeyInformation",
                "SLGetApplicationInformation",
                "SLGetServiceInformation",
                "SLGetGenuineInformation"
            })
    void eachReadReportsItsScriptedError(String fn) throws Exception {
        ctl.double_set_error(fn, 0x8004ABCD);
        try (SlcSession s = dbl.client().open()) {
            assertThatThrownBy(() -> callOnce(s, fn))
                    .isInstanceOfSatisfying(LicensingException.class, e -> {
                        assertThat(e.hresult().code()).isEqualTo(0x8004ABCD);
                        assertThat(e.hresult().isKnown()).isFalse();
                    })
                    .hasMessageContaining(fn)
                    .hasMessageContaining("0x8004ABCD");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SLGetSLIDList",
                "SLGetInstalledProductKeyIds",
                "SLGetLicensingStatusInformation",
                "SLGetProductSkuInformation",
                "SLGetPKeyInformation",
                "SLGetApplicationInformation",
                "SLGetServiceInformation",
                "SLGetGenuineInformation"
            })
    void aNullBufferWithSuccessIsAMalformedAnswerNotACrash(String fn) throws Exception {
        ctl.double_set_malformed(fn, SlcDoubleControl.MALFORMED_NULL_POINTER);
        try (SlcSession s = dbl.client().open()) {
            assertMalformed(() -> callOnce(s, fn), fn, "null");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SLGetSLIDList",
                "SLGetInstalledProductKeyIds",
                "SLGetLicensingStatusInformation",
                "SLGetProductSkuInformation",
                "SLGetPKeyInformation",
                "SLGetApplicationInformation",
                "SLGetServiceInformation",
                "SLGetGenuineInformation"
            })
    void aTruncatedAnswerIsAMalformedAnswerNotACrash(String fn) throws Exception {
        ctl.double_set_malformed(fn, SlcDoubleControl.MALFORMED_TRUNCATED);
        try (SlcSession s = dbl.client().open()) {
            assertMalformed(() -> callOnce(s, fn), fn, "");
        }
    }

    @Test
    void aZeroCountWithABufferIsEmptyAndTheBufferIsStillFreed() throws Exception {
        ctl.double_set_malformed("SLGetSLIDList", SlcDoubleControl.MALFORMED_ZERO_COUNT);
        ctl.double_set_malformed("SLGetInstalledProductKeyIds", SlcDoubleControl.MALFORMED_ZERO_COUNT);
        ctl.double_set_malformed("SLGetLicensingStatusInformation", SlcDoubleControl.MALFORMED_ZERO_COUNT);
        try (SlcSession s = dbl.client().open()) {
            assertThat(s.skuIds(SlcDouble.WINDOWS_APP)).isEmpty();
            assertThat(s.installedProductKeyIds(sku)).isEmpty();
            assertThat(s.licensingStatus(null, sku)).isEmpty();
            // NoNativeLeaks checks after the test that the three zero-count buffers were freed.
        }
    }

    @Test
    void aZeroLengthDwordIsMalformed() throws Exception {
        dbl.appDword(SlcDouble.WINDOWS_APP, "IsKeyManagementService", 1);
        ctl.double_set_malformed("SLGetApplicationInformation", SlcDoubleControl.MALFORMED_ZERO_COUNT);
        try (SlcSession s = dbl.client().open()) {
            assertMalformed(
                    () -> s.applicationInformation(SlcDouble.WINDOWS_APP, "IsKeyManagementService"),
                    "SLGetApplicationInformation",
                    "0 bytes");
        }
    }

    @Test
    void aSuccessfulSlOpenWithoutAHandleIsMalformed() {
        ctl.double_set_malformed("SLOpen", SlcDoubleControl.MALFORMED_NULL_POINTER);
        assertMalformed(() -> dbl.client().open(), "SLOpen", "without a handle");
    }

    @Test
    void osppIsLoadedFromItsOwnLibraryWithTheSameBindings() throws Exception {
        SlcDouble ospp = SlcDouble.load("osppc");
        UUID officeSku = ospp.addProduct(
                SlcDouble.OFFICE2010_APP,
                "Office 14, OfficeProPlus-KMS_Client edition",
                "Office 14, VOLUME_KMSCLIENT channel",
                "VYBBJ",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                1000,
                HResult.S_OK);
        assertThat(ospp.control().double_library_name()).isEqualTo("osppc");
        SlcClient client = SlcClient.forService(LicensingService.OSPP);
        assertThat(client.library()).isEqualTo("osppc");
        try (SlcSession s = client.open()) {
            assertThat(s.skuIds(SlcDouble.OFFICE2010_APP)).containsExactly(officeSku);
            assertThat(s.skuIds(SlcDouble.WINDOWS_APP))
                    .as("slc's Windows SKU is not in the OSPP store")
                    .isEmpty();
        }
    }

    private void callOnce(SlcSession s, String fn) throws LicensingException {
        UUID pkey = fn.equals("SLGetPKeyInformation") ? currentKey() : null;
        ctl.double_set_value(
                SlcDoubleControl.SCOPE_APP,
                SlcDouble.WINDOWS_APP.toString(),
                "IsKeyManagementService",
                SlcDoubleControl.SL_DATA_DWORD,
                "",
                0);
        ctl.double_set_value(SlcDoubleControl.SCOPE_SERVICE, null, "Version", SlcDoubleControl.SL_DATA_SZ, "6.1", 0);
        dbl.lastAttempt(sku, HResult.SL_E_VL_BINDING_SERVICE_UNAVAILABLE);
        switch (fn) {
            case "SLGetSLIDList" -> s.skuIds(SlcDouble.WINDOWS_APP);
            case "SLGetInstalledProductKeyIds" -> s.installedProductKeyIds(sku);
            case "SLGetLicensingStatusInformation" -> s.licensingStatus(null, sku);
            case "SLGetProductSkuInformation" -> s.skuInformation(sku, "Name");
            case "SLGetPKeyInformation" -> s.pkeyInformation(pkey, "Channel");
            case "SLGetApplicationInformation" ->
                s.applicationInformation(SlcDouble.WINDOWS_APP, "IsKeyManagementService");
            case "SLGetServiceInformation" -> s.serviceInformation("Version");
            case "SLGetGenuineInformation" -> s.genuineInformation(sku, "SL_LAST_ACT_ATTEMPT_HRESULT");
            default -> throw new IllegalArgumentException(fn);
        }
    }

    private UUID currentKey() {
        ctl.double_set_malformed("SLGetInstalledProductKeyIds", SlcDoubleControl.MALFORMED_NONE);
        try (SlcSession s = dbl.client().open()) {
            return s.installedProductKeyIds(sku).get(0);
        } catch (LicensingException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertMalformed(ThrowableAssert.ThrowingCallable call, String fn, String detail) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        LicensingException.class, e -> assertThat(e.hresult()).isEqualTo(HResult.RPC_X_BAD_STUB_DATA))
                .hasMessageContaining(fn)
                .hasMessageContaining("malformed answer")
                .hasMessageContaining(detail);
    }
}
