package org.kmsagent.agent.licensing.kmshost;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.agent.host.GenuineHostService;
import org.kmsagent.agent.licensing.registry.RegistryException;
import org.kmsagent.agent.licensing.registry.RegistryKey;
import org.kmsagent.agent.licensing.registry.RegistryValue;
import org.kmsagent.agent.licensing.slc.HostCachingSetting;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.licensing.slc.SlcSession;
import org.kmsagent.agent.licensing.win32.LinkErrors;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;

/**
 * Reads the genuine KMS host service's settings, host keys and license packs (docs/host.md "What it reads").
 *
 * <ul>
 *   <li>Settings from the registry values the service keeps under {@link SlcClient#SPP_KEY} (docs/kms-rules.md §8.1,
 *       "Registry"): SLC has no public name for them, and the WMI properties of {@code SoftwareLicensingService}
 *       ({@code KeyManagementServiceListeningPort}, {@code ...DnsPublishing}, {@code ...LowPriority},
 *       {@code ...HostCaching}, {@code VLActivationInterval}, {@code VLRenewalInterval}) report these same values.
 *       An absent value is Windows' default.
 *   <li>Host keys and license packs through SLC: the SKUs of each application whose description marks a KMS host
 *       licence ({@code VOLUME_KMS}, not {@code VOLUME_KMSCLIENT}, as slmgr tells them apart, §8.1); a key installed on
 *       one is a host key (its last five characters only), and for Office such a SKU is its host license pack (§3.3).
 * </ul>
 *
 * <p>Each read that fails is reported in {@link GenuineHostService#errors()} and the rest goes on.
 */
public final class GenuineHostServiceReader {
    /** Where the Software Protection service keeps its settings, under HKLM. */
    static final String LISTENING_PORT = "KeyManagementServiceListeningPort";

    static final String DISABLE_DNS_PUBLISHING = "DisableDnsPublishing";
    static final String DNS_DOMAIN_PUBLISH_LIST = "DnsDomainPublishList";
    static final String LOW_PRIORITY = "EnableKmsLowPriority";
    static final String ACTIVATION_INTERVAL = "VLActivationInterval";
    static final String RENEWAL_INTERVAL = "VLRenewalInterval";

    private static final List<UUID> OFFICE =
            List.of(KmsRules.OFFICE_2010_APPLICATION, KmsRules.OFFICE_2013_AND_LATER_APPLICATION);

    private final RegistryKey registry;
    private final String registryError;
    private final SlcLicensingStack slc;

    /**
     * @param registry the SPP key, or null if the registry cannot be read here ({@code registryError} says why)
     * @param slc the licensing stack, or null off Windows
     */
    public GenuineHostServiceReader(RegistryKey registry, String registryError, SlcLicensingStack slc) {
        this.registry = registry;
        this.registryError = registryError;
        this.slc = slc;
    }

    /** A reader over the named registry library ({@code advapi32} on Windows); one that cannot load is reported. */
    public static GenuineHostServiceReader forLibrary(String library, SlcLicensingStack slc) {
        try {
            return new GenuineHostServiceReader(RegistryKey.localMachine(library, SlcClient.SPP_KEY), null, slc);
        } catch (UnsatisfiedLinkError e) {
            return new GenuineHostServiceReader(
                    null, "the registry API (" + library + ") cannot be loaded here: " + LinkErrors.summary(e), slc);
        }
    }

    /** Whether anything can be read here (off Windows, neither the registry nor SLC can). */
    public boolean available() {
        return registry != null || slc != null;
    }

    /** Why nothing can be read here, or null. */
    public String unavailableReason() {
        return available() ? null : registryError + "; host keys are read through SLC, absent here";
    }

    /** Settings, host keys and license packs of the applications the machine is a KMS host for. */
    public GenuineHostService read(List<UUID> hostApplications) {
        List<String> errors = new ArrayList<>();
        List<String> defaulted = new ArrayList<>();
        Settings s = new Settings(registry, errors, defaulted, registryError);
        int port = (int) s.number(LISTENING_PORT, GenuineHostService.DEFAULT_PORT, 1, 65_535);
        boolean publishing = !s.flag(DISABLE_DNS_PUBLISHING, false);
        List<GenuineHostService.PublishedDomain> domains = s.domains(DNS_DOMAIN_PUBLISH_LIST);
        boolean low = s.flag(LOW_PRIORITY, false);
        boolean caching = !s.flag(HostCachingSetting.DISABLE_HOST_CACHING, false);
        long activation = s.number(
                ACTIVATION_INTERVAL,
                GenuineHostService.DEFAULT_ACTIVATION_MINUTES,
                KmsRules.MIN_INTERVAL_MINUTES,
                KmsRules.MAX_INTERVAL_MINUTES);
        long renewal = s.number(
                RENEWAL_INTERVAL,
                GenuineHostService.DEFAULT_RENEWAL_MINUTES,
                KmsRules.MIN_INTERVAL_MINUTES,
                KmsRules.MAX_INTERVAL_MINUTES);
        List<GenuineHostService.InstalledHostKey> keys = new ArrayList<>();
        List<GenuineHostService.InstalledLicensePack> packs = new ArrayList<>();
        if (slc == null) {
            errors.add("host keys and license packs: read through Windows' licensing service (SLC), absent here");
        } else {
            for (UUID app : hostApplications) {
                try {
                    hostLicences(app, keys, packs);
                } catch (LicensingException e) {
                    errors.add("host keys of application " + app + ": " + e.getMessage());
                }
            }
        }
        return new GenuineHostService(
                port, publishing, domains, low, caching, activation, renewal, defaulted, keys, packs, errors);
    }

    private void hostLicences(
            UUID app,
            List<GenuineHostService.InstalledHostKey> keys,
            List<GenuineHostService.InstalledLicensePack> packs)
            throws LicensingException {
        try (SlcSession s = slc.open(LicensingService.SPP)) {
            for (UUID sku : s.skuIds(app)) {
                String description = SlcSession.ifPresent(() -> s.skuInformation(sku, "Description"))
                        .map(Object::toString)
                        .orElse("");
                if (!isHostLicence(description)) {
                    continue;
                }
                String name = SlcSession.ifPresent(() -> s.skuInformation(sku, "Name"))
                        .map(Object::toString)
                        .orElse("");
                List<UUID> pkeys = installedKeys(s, sku);
                if (!pkeys.isEmpty()) {
                    UUID pkey = pkeys.get(0);
                    String partial = SlcSession.ifPresent(() -> s.pkeyInformation(pkey, "PartialProductKey"))
                            .map(Object::toString)
                            .orElse("");
                    String channel = SlcSession.ifPresent(() -> s.pkeyInformation(pkey, "Channel"))
                            .map(Object::toString)
                            .orElse("");
                    keys.add(new GenuineHostService.InstalledHostKey(
                            app.toString(), sku.toString(), name, description, partial, channel));
                }
                if (OFFICE.contains(app)) {
                    packs.add(new GenuineHostService.InstalledLicensePack(
                            app.toString(), sku.toString(), name, !pkeys.isEmpty()));
                }
            }
        }
    }

    /** slmgr's test (docs/kms-rules.md §8.1): {@code VOLUME_KMS} in the description, and not a KMS client licence. */
    static boolean isHostLicence(String description) {
        String d = description.toUpperCase(Locale.ROOT);
        return d.contains("VOLUME_KMS") && !d.contains("VOLUME_KMSCLIENT");
    }

    private static List<UUID> installedKeys(SlcSession s, UUID sku) throws LicensingException {
        try {
            return s.installedProductKeyIds(sku);
        } catch (LicensingException e) {
            if (e.hresult().code() == HResult.SL_E_PKEY_NOT_INSTALLED.code()) {
                return List.of();
            }
            throw e;
        }
    }

    /** Registry values read one by one; a missing one is the default and named in {@code defaulted}. */
    private static final class Settings {
        private final RegistryKey key;
        private final List<String> errors;
        private final List<String> defaulted;

        Settings(RegistryKey key, List<String> errors, List<String> defaulted, String keyError) {
            this.key = key;
            this.errors = errors;
            this.defaulted = defaulted;
            if (key == null) {
                errors.add("settings: " + keyError);
            }
        }

        private Optional<RegistryValue> value(String name) {
            if (key == null) {
                defaulted.add(name);
                return Optional.empty();
            }
            try {
                Optional<RegistryValue> v = key.value(name);
                if (v.isEmpty()) {
                    defaulted.add(name);
                }
                return v;
            } catch (RegistryException e) {
                errors.add(e.getMessage());
                defaulted.add(name);
                return Optional.empty();
            }
        }

        /** A DWORD, or a REG_SZ holding a number (the listening port is a REG_SZ); 0 or out of range: the default. */
        long number(String name, long fallback, long min, long max) {
            Optional<RegistryValue> v = value(name);
            if (v.isEmpty()) {
                return fallback;
            }
            long n;
            if (v.get() instanceof RegistryValue.Dword d) {
                n = d.value();
            } else if (v.get() instanceof RegistryValue.Sz sz
                    && sz.text().strip().matches("[0-9]{1,10}")) {
                n = Long.parseLong(sz.text().strip());
            } else {
                errors.add(key.path() + "\\" + name + ": not a number (" + v.get() + ")");
                defaulted.add(name);
                return fallback;
            }
            if (n == 0) {
                defaulted.add(name); // 0 means unset (the port's WMI property reads 0 until /sprt)
                return fallback;
            }
            if (n < min || n > max) {
                errors.add(key.path() + "\\" + name + ": " + n + " is outside " + min + "-" + max);
                defaulted.add(name);
                return fallback;
            }
            return n;
        }

        /** A DWORD read as non-zero = true. */
        boolean flag(String name, boolean fallback) {
            Optional<RegistryValue> v = value(name);
            if (v.isEmpty()) {
                return fallback;
            }
            if (v.get() instanceof RegistryValue.Dword d) {
                return d.value() != 0;
            }
            errors.add(key.path() + "\\" + name + ": not a DWORD (" + v.get() + ")");
            defaulted.add(name);
            return fallback;
        }

        /** {@code domain,priority,weight} entries (docs/kms-rules.md §2.6); priority and weight default to 0. */
        List<GenuineHostService.PublishedDomain> domains(String name) {
            Optional<RegistryValue> v = value(name);
            List<GenuineHostService.PublishedDomain> out = new ArrayList<>();
            if (v.isEmpty()) {
                return out;
            }
            List<String> entries = v.get() instanceof RegistryValue.MultiSz m
                    ? m.texts()
                    : v.get() instanceof RegistryValue.Sz sz ? List.of(sz.text()) : List.of();
            for (String entry : entries) {
                String[] parts = entry.split(",", -1);
                String domain = parts[0].strip();
                if (domain.isEmpty()) {
                    continue;
                }
                out.add(new GenuineHostService.PublishedDomain(domain, intOr(parts, 1), intOr(parts, 2)));
            }
            return out;
        }

        private static int intOr(String[] parts, int i) {
            if (parts.length <= i || !parts[i].strip().matches("[0-9]{1,5}")) {
                return 0;
            }
            return Integer.parseInt(parts[i].strip());
        }
    }
}
