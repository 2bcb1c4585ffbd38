package org.kmsagent.agent.testsupport;

import java.util.List;
import org.kmsagent.agent.host.GenuineHostService;

/** A genuine KMS host service as a watching agent reads it, for the views' tests. */
public final class GenuineHostFixtures {
    private GenuineHostFixtures() {}

    /** Port 1700, no DNS publishing, intervals 60/10080, two host keys and an Office license pack. */
    public static final GenuineHostService SERVICE = new GenuineHostService(
            1700,
            false,
            List.of(),
            false,
            true,
            60,
            10_080,
            List.of("EnableKmsLowPriority", "DisableKeyManagementServiceHostCaching"),
            List.of(
                    new GenuineHostService.InstalledHostKey(
                            "55c92734-d682-4d71-983e-d6ec3f16059f",
                            "9c4f8d2a-0b6e-4f44-9a55-1c2d3e4f5a6b",
                            "Windows(R), ServerStandard edition",
                            "Windows(R) Operating System, VOLUME_KMS_WS2022 channel",
                            "7QX4K",
                            "Volume:CSVLK"),
                    new GenuineHostService.InstalledHostKey(
                            "0ff1ce15-a989-479d-af46-f275c6370663",
                            "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b",
                            "Office 21, Office21KMSHostVL_KMS_Host edition",
                            "Office 21, VOLUME_KMS channel",
                            "RC2WM",
                            "Volume:CSVLK")),
            List.of(new GenuineHostService.InstalledLicensePack(
                    "0ff1ce15-a989-479d-af46-f275c6370663",
                    "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b",
                    "Office 21, Office21KMSHostVL_KMS_Host edition",
                    true)),
            List.of());
}
