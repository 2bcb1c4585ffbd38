package org.kmsagent.agent.licensing.slc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KeyChannel;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.WindowsVersion;

/** The SLC stack over the real bindings and the double for reads, and a recording writer for the write path. */
@ExtendWith(NoNativeLeaks.class)
class SlcLicensingStackTest {
    private static final ProductKey PRO_GVLK = ProductKey.parse("W269N-WFGWX-YVC9B-4J6C9-T83GX");

    private SlcDouble dbl;
    private RecordingLicensingWriter writer;
    private SlcLicensingStack stack;
    private UUID pro;

    @BeforeEach
    void setUp() {
        dbl = SlcDouble.load("slc");
        writer = new RecordingLicensingWriter();
        stack = new SlcLicensingStack(SlcClient::forService, writer, "PC-0042", WindowsVersion.WINDOWS_10);
        pro = dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Windows(R), Professional edition",
                "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
                "T83GX",
                "Volume:GVLK",
                LicenseStatus.LICENSED,
                259_000,
                HResult.S_OK);
    }

    @Test
    void installedProductsAreTheKeyedSkusOfTheApplication() throws Exception {
        // A keyless SKU: licences installed, no key (most SKUs of an application look like this).
        dbl.control()
                .double_add_sku(
                        SlcDouble.WINDOWS_APP.toString(),
                        UUID.randomUUID().toString(),
                        "Enterprise",
                        "VOLUME_KMSCLIENT");
        UUID mak = dbl.addProduct(
                SlcDouble.WINDOWS_APP,
                "Windows(R), Enterprise edition",
                "VOLUME_MAK channel",
                "3V66T",
                "Volume:MAK",
                LicenseStatus.INITIAL_GRACE,
                40_000,
                HResult.SL_I_OOB_GRACE_PERIOD);

        List<InstalledProduct> products = stack.installedProducts(LicensingService.SPP, SlcDouble.WINDOWS_APP);

        assertThat(products)
                .containsExactly(
                        new InstalledProduct(
                                LicensingService.SPP,
                                SlcDouble.WINDOWS_APP,
                                pro,
                                "Windows(R), Professional edition",
                                "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
                                KeyChannel.VOLUME_GVLK,
                                Optional.of("T83GX")),
                        new InstalledProduct(
                                LicensingService.SPP,
                                SlcDouble.WINDOWS_APP,
                                mak,
                                "Windows(R), Enterprise edition",
                                "VOLUME_MAK channel",
                                KeyChannel.VOLUME_MAK,
                                Optional.of("3V66T")));
    }

    @Test
    void licenseStateOfAKmsClientPinnedToAHost() throws Exception {
        Instant expiry = Instant.parse("2027-05-20T10:00:00Z");
        dbl.control()
                .double_set_status(
                        pro.toString(), 1, 259_000, 30, HResult.S_OK.code(), SlLicensingStatus.toFileTime(expiry));
        dbl.skuValue(pro, "KeyManagementServiceName", "kms.corp.example");
        dbl.skuDword(pro, "KeyManagementServicePort", 1700);
        dbl.skuValue(pro, "DiscoveredKeyManagementServiceName", "kms.corp.example");
        dbl.skuDword(pro, "DiscoveredKeyManagementServicePort", 1700);
        dbl.skuDword(pro, "VLActivationInterval", 60);
        dbl.skuDword(pro, "VLRenewalInterval", 2880);

        LicenseState state = stack.licenseState(LicensingService.SPP, pro);

        assertThat(state.status()).isEqualTo(LicenseStatus.LICENSED);
        assertThat(state.graceRemaining()).isEqualTo(Duration.ofMinutes(259_000));
        assertThat(state.validUntil()).contains(expiry);
        assertThat(state.kmsEndpoint()).isEqualTo(KmsEndpoint.host("kms.corp.example", 1700));
        assertThat(state.kmsHostInUse()).contains("kms.corp.example:1700");
        assertThat(state.activationInterval()).isEqualTo(Duration.ofMinutes(60));
        assertThat(state.renewalInterval()).isEqualTo(Duration.ofDays(2));
        assertThat(state.lastResult()).isEmpty();
    }

    @Test
    void licenseStateOfAnUnactivatedClientUsesDiscoveryAndTheDefaultIntervals() throws Exception {
        dbl.control().double_set_status(pro.toString(), 2, 43_000, 30, HResult.SL_I_OOT_GRACE_PERIOD.code(), 0);
        dbl.skuValue(pro, "KeyManagementServiceLookupDomain", "corp.example");

        LicenseState state = stack.licenseState(LicensingService.SPP, pro);

        assertThat(state.status()).isEqualTo(LicenseStatus.ADDITIONAL_GRACE);
        assertThat(state.reason()).isEqualTo(HResult.SL_I_OOT_GRACE_PERIOD);
        assertThat(state.validUntil()).isEmpty();
        assertThat(state.kmsEndpoint()).isEqualTo(KmsEndpoint.discovery("corp.example"));
        assertThat(state.kmsHostInUse()).isEmpty();
        assertThat(state.activationInterval()).isEqualTo(Duration.ofHours(2));
        assertThat(state.renewalInterval()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aKmsLicenceWithoutAnExpiryDateEndsWhenItsRemainingMinutesRunOut() throws Exception {
        dbl.control().double_set_status(pro.toString(), 1, 259_000, 30, HResult.S_OK.code(), 0);
        Instant before = Instant.now();

        LicenseState kms = stack.licenseState(LicensingService.SPP, pro);

        // Still time-limited (docs/kms-rules.md §8.1): the renewal loop keeps renewing it and reports its expiry.
        assertThat(kms.validUntil())
                .hasValueSatisfying(until -> assertThat(until)
                        .isBetween(
                                before.plus(Duration.ofMinutes(259_000)),
                                Instant.now().plus(Duration.ofMinutes(259_000))));

        // Licensed with no minutes left to count: licensed for good (a MAK), nothing to renew.
        dbl.control().double_set_status(pro.toString(), 1, 0, 0, HResult.S_OK.code(), 0);
        assertThat(stack.licenseState(LicensingService.SPP, pro).validUntil()).isEmpty();
    }

    @Test
    void intervalsNoHostCanGiveAreTheDefaultsSoTheLoopNeverAsksWithoutPause() throws Exception {
        dbl.control().double_set_status(pro.toString(), 2, 43_000, 30, HResult.SL_I_OOT_GRACE_PERIOD.code(), 0);
        dbl.skuDword(pro, "VLActivationInterval", 0);
        dbl.skuDword(pro, "VLRenewalInterval", 43_201);

        LicenseState state = stack.licenseState(LicensingService.SPP, pro);

        assertThat(state.activationInterval()).isEqualTo(Duration.ofHours(2));
        assertThat(state.renewalInterval()).isEqualTo(Duration.ofDays(7));

        // The bounds a host may set are taken as they are.
        dbl.skuDword(pro, "VLActivationInterval", 15);
        dbl.skuDword(pro, "VLRenewalInterval", 43_200);
        LicenseState bounds = stack.licenseState(LicensingService.SPP, pro);
        assertThat(bounds.activationInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(bounds.renewalInterval()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void graceKindsFollowTheReasonCode() throws Exception {
        int[][] cases = {
            {2, HResult.SL_I_OOB_GRACE_PERIOD.code()},
            {2, HResult.SL_I_NONGENUINE_GRACE_PERIOD.code()},
            {2, HResult.SL_I_TIMEBASED_EXTENDED_GRACE_PERIOD.code()},
            {3, HResult.SL_E_GRACE_TIME_EXPIRED.code()},
            {0, 0}
        };
        LicenseStatus[] expected = {
            LicenseStatus.INITIAL_GRACE,
            LicenseStatus.NON_GENUINE_GRACE,
            LicenseStatus.EXTENDED_GRACE,
            LicenseStatus.NOTIFICATION,
            LicenseStatus.UNLICENSED
        };
        for (int i = 0; i < cases.length; i++) {
            dbl.control().double_set_status(pro.toString(), cases[i][0], 100, 30, cases[i][1], 0);
            assertThat(stack.licenseState(LicensingService.SPP, pro).status()).isEqualTo(expected[i]);
        }
    }

    @Test
    void aStatusAnswerWithoutTheSkuIsAClearErrorAndTheHandleIsClosed() {
        dbl.control().double_set_malformed("SLGetLicensingStatusInformation", SlcDoubleControl.MALFORMED_ZERO_COUNT);
        assertThatThrownBy(() -> stack.licenseState(LicensingService.SPP, pro))
                .isInstanceOfSatisfying(
                        LicensingException.class, e -> assertThat(e.hresult()).isEqualTo(HResult.RPC_X_BAD_STUB_DATA))
                .hasMessageContaining("no status record for the SKU");
        assertThat(dbl.control().double_open_handles()).isZero();
    }

    @Test
    void aMalformedValueFailsInstalledProductsClearly() {
        dbl.control().double_set_malformed("SLGetPKeyInformation", SlcDoubleControl.MALFORMED_TRUNCATED);
        assertThatThrownBy(() -> stack.installedProducts(LicensingService.SPP, SlcDouble.WINDOWS_APP))
                .isInstanceOf(LicensingException.class)
                .hasMessageContaining("SLGetPKeyInformation")
                .hasMessageContaining("odd length");
    }

    @Test
    void kmsHostCountersComeFromApplicationInformation() throws Exception {
        dbl.appDword(SlcDouble.WINDOWS_APP, "IsKeyManagementService", 1);
        dbl.appDword(SlcDouble.WINDOWS_APP, "KeyManagementServiceCurrentCount", 27);
        dbl.appDword(SlcDouble.WINDOWS_APP, "KeyManagementServiceRequiredClientCount", 25);
        dbl.appDword(SlcDouble.WINDOWS_APP, "KeyManagementServiceTotalRequests", 140);
        dbl.appDword(SlcDouble.WINDOWS_APP, "KeyManagementServiceFailedRequests", 3);
        dbl.appDword(SlcDouble.WINDOWS_APP, "KeyManagementServiceLicensedRequests", 120);

        KmsHostCounters c = stack.kmsHostCounters(LicensingService.SPP, SlcDouble.WINDOWS_APP);

        assertThat(c.keyManagementService()).isTrue();
        assertThat(c.currentCount()).isEqualTo(27);
        assertThat(c.requiredClientCount()).isEqualTo(25);
        assertThat(c.totalRequests()).isEqualTo(140);
        assertThat(c.failedRequests()).isEqualTo(3);
        assertThat(c.requestsByClientStatus()).containsEntry("Licensed", 120L).containsEntry("OOBGrace", -1L);
    }

    @Test
    void aCurrentCountOfMinusOneMeansNotAHost() throws Exception {
        dbl.appDword(SlcDouble.WINDOWS_APP, "IsKeyManagementService", 0);
        dbl.appDword(SlcDouble.WINDOWS_APP, "KeyManagementServiceCurrentCount", -1);
        KmsHostCounters c = stack.kmsHostCounters(LicensingService.SPP, SlcDouble.WINDOWS_APP);
        assertThat(c.keyManagementService()).isFalse();
        assertThat(c.currentCount()).isEqualTo(-1);
    }

    @Test
    void installingAKeyGoesThroughTheWriterThenRefreshes() throws Exception {
        stack.installProductKey(LicensingService.SPP, PRO_GVLK);
        assertThat(writer.calls())
                .containsExactly("installProductKey SPP XXXXX-XXXXX-XXXXX-XXXXX-T83GX", "refreshLicenseStatus SPP");
    }

    @Test
    void pinningAHostSetsMachineAndPortOrClearsThePortFor1688() throws Exception {
        stack.setKmsEndpoint(LicensingService.SPP, pro, KmsEndpoint.host("kms.corp.example", 1700));
        stack.setKmsEndpoint(LicensingService.OSPP, pro, KmsEndpoint.host("kms2.corp.example"));
        assertThat(writer.calls())
                .containsExactly(
                        "setKmsMachine SPP " + pro + " kms.corp.example", "setKmsPort SPP " + pro + " 1700",
                        "setKmsMachine OSPP " + pro + " kms2.corp.example", "clearKmsPort OSPP " + pro);
    }

    @Test
    void discoveryClearsThePinnedHostAndSetsOrClearsTheLookupDomain() throws Exception {
        stack.setKmsEndpoint(LicensingService.SPP, pro, KmsEndpoint.discovery("corp.example"));
        stack.setKmsEndpoint(LicensingService.SPP, pro, KmsEndpoint.discovery());
        assertThat(writer.calls())
                .containsExactly(
                        "clearKmsMachine SPP " + pro,
                        "clearKmsPort SPP " + pro,
                        "setKmsLookupDomain SPP " + pro + " corp.example",
                        "clearKmsMachine SPP " + pro,
                        "clearKmsPort SPP " + pro,
                        "clearKmsLookupDomain SPP " + pro);
    }

    @Test
    void discoveryLeavesTheLookupDomainAloneWhereTheServiceHasNone() throws Exception {
        // Windows 7's SPP and OSPP have no lookup-domain methods (docs/kms-rules.md §8.1): calling one fails, and
        // KMS=dns then kept every product of the family from being followed.
        SlcLicensingStack windows7 =
                new SlcLicensingStack(SlcClient::forService, writer, "PC-7", WindowsVersion.WINDOWS_7);
        windows7.setKmsEndpoint(LicensingService.SPP, pro, KmsEndpoint.discovery());
        windows7.setKmsEndpoint(LicensingService.SPP, pro, KmsEndpoint.discovery("corp.example"));
        stack.setKmsEndpoint(LicensingService.OSPP, pro, KmsEndpoint.discovery());
        assertThat(writer.calls())
                .containsExactly(
                        "clearKmsMachine SPP " + pro,
                        "clearKmsPort SPP " + pro,
                        "clearKmsMachine SPP " + pro,
                        "clearKmsPort SPP " + pro,
                        "clearKmsMachine OSPP " + pro,
                        "clearKmsPort OSPP " + pro);
    }

    @Test
    void hostCachingGoesThroughTheWriter() throws Exception {
        stack.setKmsHostCaching(LicensingService.SPP, false);
        assertThat(writer.calls()).containsExactly("setKmsHostCaching SPP false");
    }

    @Test
    void aSuccessfulActivationReportsTheHostAndIsRememberedAsTheLastResult() throws Exception {
        dbl.skuValue(pro, "DiscoveredKeyManagementServiceName", "kms.corp.example");

        ActivationResult result = stack.activate(LicensingService.SPP, pro);

        assertThat(result.activated()).isTrue();
        assertThat(result.kmsHost()).contains("kms.corp.example");
        assertThat(writer.calls()).containsExactly("activate SPP " + pro, "refreshLicenseStatus SPP");
        assertThat(stack.licenseState(LicensingService.SPP, pro).lastResult()).contains(result);
    }

    @Test
    void aRefusedActivationIsAResultWithItsCodeNotAnException() throws Exception {
        writer.failWith("activate", HResult.SL_E_VL_BINDING_SERVICE_UNAVAILABLE);

        ActivationResult result = stack.activate(LicensingService.SPP, pro);

        assertThat(result.activated()).isFalse();
        assertThat(result.hresult().code()).isEqualTo(0xC004F074);
        assertThat(stack.licenseState(LicensingService.SPP, pro).lastResult()).contains(result);
    }

    @Test
    void anActivationThatWorkedStandsWhenTheRefreshAfterItFails() throws Exception {
        // The refresh that follows, as slmgr /ato's does, failed after Activate() had worked: the activation was
        // reported as failed and asked again every 2 hours instead of renewed every 7 days.
        writer.failWith("refreshLicenseStatus", HResult.RPC_S_SERVER_UNAVAILABLE);

        ActivationResult result = stack.activate(LicensingService.SPP, pro);

        assertThat(result.activated()).isTrue();
        assertThat(stack.licenseState(LicensingService.SPP, pro).lastResult()).contains(result);
        stack.installProductKey(LicensingService.SPP, PRO_GVLK);
        assertThat(writer.calls())
                .containsExactly(
                        "activate SPP " + pro,
                        "refreshLicenseStatus SPP",
                        "installProductKey SPP XXXXX-XXXXX-XXXXX-XXXXX-T83GX",
                        "refreshLicenseStatus SPP");
    }

    @Test
    void theOfficeServiceIsNotAskedForARefreshItDoesNotHave() throws Exception {
        // OSPP.VBS installs a key and activates without RefreshLicenseStatus, which is Windows' SPP's (slmgr's).
        stack.installProductKey(LicensingService.OSPP, PRO_GVLK);
        assertThat(writer.calls()).containsExactly("installProductKey OSPP XXXXX-XXXXX-XXXXX-XXXXX-T83GX");
    }

    @Test
    void aHostsRefusalWithTheSkuNotInstalledCodeIsARefusalWhileTheSkuIsHere() throws Exception {
        // A KMS host without the client's product licence answers Activate() with 0xC004F015: the product is still
        // installed, and its loop must go on (the code was taken as the product gone, ending the loop).
        writer.failWith("activate", HResult.SL_E_PRODUCT_SKU_NOT_INSTALLED);

        ActivationResult refused = stack.activate(LicensingService.SPP, pro);

        assertThat(refused.activated()).isFalse();
        assertThat(refused.hresult().code()).isEqualTo(0xC004F015);
        UUID gone = UUID.fromString("00000000-0000-0000-0000-00000000f015");
        assertThatThrownBy(() -> stack.activate(LicensingService.SPP, gone))
                .isInstanceOf(LicensingException.class)
                .satisfies(e ->
                        assertThat(((LicensingException) e).hresult().code()).isEqualTo(0xC004F015));
    }

    @Test
    void aLastAttemptThatCannotBeReadLeavesTheStateReadable() throws Exception {
        // SL_LAST_ACT_ATTEMPT_HRESULT is informational: a service that answers it with an error (an older slc.dll or
        // osppc.dll) made the whole state unreadable, and the renewal loop had no state for the product.
        dbl.control().double_set_error("SLGetGenuineInformation", HResult.E_INVALIDARG.code());

        LicenseState state = stack.licenseState(LicensingService.SPP, pro);

        assertThat(state.status()).isEqualTo(LicenseStatus.LICENSED);
        assertThat(state.lastResult()).isEmpty();
    }

    @Test
    void withoutAnActivationHereTheServicesLastAttemptIsTheLastResult() throws Exception {
        dbl.lastAttempt(pro, HResult.SL_E_VL_NOT_ENOUGH_COUNT);

        LicenseState state = stack.licenseState(LicensingService.SPP, pro);

        assertThat(state.lastResult()).contains(ActivationResult.of(HResult.SL_E_VL_NOT_ENOUGH_COUNT));
    }

    @Test
    void anActivationWithoutRightsThrows() {
        writer.failWith("activate", HResult.SL_E_LUA_ACCESSDENIED);
        assertThatThrownBy(() -> stack.activate(LicensingService.SPP, pro))
                .isInstanceOfSatisfying(
                        LicensingException.class,
                        e -> assertThat(e.hresult()).isEqualTo(HResult.SL_E_LUA_ACCESSDENIED));
    }
}
