package org.kmsagent.agent.licensing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.WindowsVersion;

class LicensingStacksTest {
    private final AtomicInteger slcBuilt = new AtomicInteger();

    private LicensingStacks on(String os) {
        return new LicensingStacks(
                () -> {
                    slcBuilt.incrementAndGet();
                    return named("slc");
                },
                () -> named("simulated"),
                os);
    }

    @Test
    void autoTakesSlcOnWindowsAndSaysWhy() {
        LicensingStacks.Choice c = on("Windows 11").select("auto");
        assertThat(c.stack().name()).isEqualTo("slc");
        assertThat(c.statusLine())
                .isEqualTo(
                        "licensing stack: slc (auto: running on Windows 11, so Windows' own" + " licensing service)");
    }

    @Test
    void autoTakesTheSimulatedMachineElsewhereWithoutLoadingSlc() {
        LicensingStacks.Choice c = on("Linux").select("auto");
        assertThat(c.stack().name()).isEqualTo("simulated");
        assertThat(c.reason()).contains("Linux is not Windows");
        assertThat(slcBuilt).hasValue(0);
    }

    @Test
    void explicitModesWinOverThePlatform() {
        assertThat(on("Linux").select("slc").stack().name()).isEqualTo("slc");
        assertThat(on("Windows 10").select(" Simulated ").stack().name()).isEqualTo("simulated");
    }

    @Test
    void anUnknownModeNamesTheValueAndTheChoices() {
        assertThatThrownBy(() -> on("Linux").select("wmi"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("licensing must be slc, simulated or auto; got 'wmi'");
    }

    private static LicensingStack named(String name) {
        return new LicensingStack() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String machineName() {
                return "m";
            }

            @Override
            public WindowsVersion windowsVersion() {
                return WindowsVersion.WINDOWS_10;
            }

            @Override
            public List<InstalledProduct> installedProducts(LicensingService service, UUID applicationId) {
                return List.of();
            }

            @Override
            public LicenseState licenseState(LicensingService service, UUID skuId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void installProductKey(LicensingService service, ProductKey key) {}

            @Override
            public void setKmsEndpoint(LicensingService service, UUID skuId, KmsEndpoint endpoint) {}

            @Override
            public ActivationResult activate(LicensingService service, UUID skuId) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
