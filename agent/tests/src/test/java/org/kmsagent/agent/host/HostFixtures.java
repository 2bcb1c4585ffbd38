package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.ThresholdClass;

/** Product groups, host keys and request builders as the plugins' catalogs define them (kms ids as in docs/kms-rules.md §3, §4). */
final class HostFixtures {
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    static final ProductGroup WINDOWS_7 =
            new ProductGroup("Windows 7", UUID.fromString("7fde5219-fbfa-484a-82c9-34d1ad53e856"));
    static final ProductGroup WINDOWS_10 =
            new ProductGroup("Windows 10/11", UUID.fromString("58e2134f-8e11-4d17-9cb2-91069c151148"));
    static final ProductGroup SERVER_2008R2_B =
            new ProductGroup("Windows Server 2008 R2 group B", UUID.fromString("ca87f5b6-cd46-40c0-b06d-8ecd57a4373f"));
    static final ProductGroup OFFICE_2010 =
            new ProductGroup("Office 2010", UUID.fromString("e85af946-2e25-47b7-83e1-bebcebeac611"));
    static final ProductGroup OFFICE_2013 =
            new ProductGroup("Office 2013", UUID.fromString("e6a6f1bf-9d40-40c3-aa9f-c77ba21578c0"));

    static final String OFFICE_2010_PACK = "Office 2010 KMS Host License Pack";
    static final String OFFICE_2013_PACK = "Office 2013 Volume License Pack";

    static final HostKey WINDOWS_7_CLIENT_KEY =
            new HostKey("Windows 7 client CSVLK", Set.of(WINDOWS_7.kmsId()), Optional.empty(), 1);
    static final HostKey SERVER_2008R2_B_KEY = new HostKey(
            "Windows Server 2008 R2 group B CSVLK",
            Set.of(SERVER_2008R2_B.kmsId(), WINDOWS_7.kmsId()),
            Optional.empty(),
            2);
    static final HostKey SERVER_2016_KEY = new HostKey(
            "Windows Server 2016 CSVLK",
            Set.of(SERVER_2008R2_B.kmsId(), WINDOWS_7.kmsId(), WINDOWS_10.kmsId()),
            Optional.empty(),
            6);
    static final HostKey OFFICE_2010_KEY =
            new HostKey("Office 2010 KMS host key", Set.of(OFFICE_2010.kmsId()), Optional.of(OFFICE_2010_PACK), 1);
    static final HostKey OFFICE_2013_KEY =
            new HostKey("Office 2013 KMS host key", Set.of(OFFICE_2013.kmsId()), Optional.of(OFFICE_2013_PACK), 1);

    static final UUID WINDOWS_APP = UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f");
    static final UUID OFFICE_2010_APP = UUID.fromString("59a52881-a989-479d-af46-f275c6370663");
    static final UUID OFFICE_2013_APP = UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663");

    /** A host that serves everything the fixtures request: Server 2016 key and both Office keys with their packs. */
    static HostConfig fullHost() {
        return HostConfig.of(
                "kms01.lab.example",
                List.of(SERVER_2016_KEY, OFFICE_2010_KEY, OFFICE_2013_KEY),
                Set.of(OFFICE_2010_PACK, OFFICE_2013_PACK));
    }

    static UUID cmid(int machine) {
        return new UUID(0x5eed_0000_0000_0000L, machine);
    }

    static KmsRequest windows7(int machine, Instant clientTime) {
        return request(
                machine,
                "windows-client",
                "windows",
                WINDOWS_APP,
                "Windows 7 Enterprise",
                WINDOWS_7,
                ThresholdClass.CLIENT,
                clientTime);
    }

    static KmsRequest windows10(int machine, Instant clientTime) {
        return request(
                machine,
                "windows-client",
                "windows",
                WINDOWS_APP,
                "Windows 10 Enterprise",
                WINDOWS_10,
                ThresholdClass.CLIENT,
                clientTime);
    }

    static KmsRequest server(int machine, Instant clientTime) {
        return request(
                machine,
                "windows-server",
                "windows",
                WINDOWS_APP,
                "Windows Server 2008 R2 Standard",
                SERVER_2008R2_B,
                ThresholdClass.SERVER,
                clientTime);
    }

    static KmsRequest office2010(int machine, Instant clientTime) {
        return request(
                machine,
                "office2010",
                "office2010",
                OFFICE_2010_APP,
                "Office Professional Plus 2010",
                OFFICE_2010,
                ThresholdClass.OFFICE,
                clientTime);
    }

    static KmsRequest office2013(int machine, Instant clientTime) {
        return request(
                machine,
                "office2013",
                "office2013",
                OFFICE_2013_APP,
                "Office Professional Plus 2013",
                OFFICE_2013,
                ThresholdClass.OFFICE,
                clientTime);
    }

    static KmsRequest request(
            int machine,
            String family,
            String pool,
            UUID app,
            String sku,
            ProductGroup group,
            ThresholdClass threshold,
            Instant clientTime) {
        return new KmsRequest(
                clientTime,
                cmid(machine),
                "pc-" + machine,
                family,
                pool,
                app,
                sku,
                group,
                threshold,
                LicenseStatus.INITIAL_GRACE);
    }

    private HostFixtures() {}
}
