package org.kmsagent.agent.licensing.slc;

import java.util.Optional;
import org.kmsagent.agent.licensing.registry.RegistryException;
import org.kmsagent.agent.licensing.registry.RegistryKey;
import org.kmsagent.agent.licensing.registry.RegistryValue;
import org.kmsagent.api.LicensingService;

/**
 * Whether a licensing service's KMS clients cache the host they last activated with ({@code slmgr /skhc},
 * {@code /ckhc}): SLC has no value name for it, so it is the service's registry value
 * {@code DisableKeyManagementServiceHostCaching}, absent while caching is on, Windows' default (docs/kms-rules.md
 * §8.1).
 */
public final class HostCachingSetting {
    /** The registry value, under {@link SlcClient#SPP_KEY} or {@link SlcClient#OSPP_KEY}. */
    public static final String DISABLE_HOST_CACHING = "DisableKeyManagementServiceHostCaching";

    private final String library;

    /** @param library the registry library: {@code advapi32} on Windows, a double in tests */
    public HostCachingSetting(String library) {
        this.library = library;
    }

    /** Whether caching is on for the service's products; empty when the registry cannot be read or holds no DWORD. */
    public Optional<Boolean> enabled(LicensingService service) {
        String key = service == LicensingService.SPP ? SlcClient.SPP_KEY : SlcClient.OSPP_KEY;
        try {
            Optional<RegistryValue> v = RegistryKey.localMachine(library, key).value(DISABLE_HOST_CACHING);
            if (v.isEmpty()) {
                return Optional.of(true);
            }
            return v.get() instanceof RegistryValue.Dword d ? Optional.of(d.value() == 0) : Optional.empty();
        } catch (RegistryException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }
}
