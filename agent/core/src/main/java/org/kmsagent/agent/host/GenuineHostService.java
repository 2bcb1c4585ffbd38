package org.kmsagent.agent.host;

import java.util.List;
import org.kmsagent.agent.rules.KmsRules;

/**
 * The genuine KMS host service's own settings and what is installed for it, as a watching agent read them
 * (host.mode: watch; docs/host.md "What it reads"). A setting the service does not hold reads as Windows' default and
 * is named in {@code defaulted}; a read that failed is named in {@code errors} and its setting shows the default too.
 *
 * @param listeningPort the TCP port the host listens on (1688 unless set with {@code slmgr /sprt})
 * @param dnsPublishing whether the host publishes its {@code _vlmcs._tcp} SRV record (on unless {@code /cdns})
 * @param publishedDomains further domains it publishes in, with priority and weight ({@code DnsDomainPublishList})
 * @param lowPriority whether the service runs at low priority ({@code /cpri})
 * @param hostCaching whether clients of this machine cache the host they found ({@code /skhc}, on by default)
 * @param activationIntervalMinutes the retry interval the host hands out (120 by default)
 * @param renewalIntervalMinutes the renewal interval the host hands out (10,080 = 7 days by default)
 * @param defaulted the settings that were not set and show Windows' default
 * @param hostKeys the KMS host keys (CSVLK) installed, by application
 * @param licensePacks the Office KMS host license packs installed (docs/kms-rules.md §3.3): their KMS host licences
 * @param errors reads that failed, one line each (the agent goes on with the rest)
 */
public record GenuineHostService(
        int listeningPort,
        boolean dnsPublishing,
        List<PublishedDomain> publishedDomains,
        boolean lowPriority,
        boolean hostCaching,
        long activationIntervalMinutes,
        long renewalIntervalMinutes,
        List<String> defaulted,
        List<InstalledHostKey> hostKeys,
        List<InstalledLicensePack> licensePacks,
        List<String> errors) {
    public GenuineHostService {
        publishedDomains = List.copyOf(publishedDomains);
        defaulted = List.copyOf(defaulted);
        hostKeys = List.copyOf(hostKeys);
        licensePacks = List.copyOf(licensePacks);
        errors = List.copyOf(errors);
    }

    /** Windows' defaults (docs/kms-rules.md §2.1, §2.5, §2.6): port 1688, publishing on, 120 and 10,080 minutes. */
    public static final int DEFAULT_PORT = KmsRules.DEFAULT_PORT;

    public static final long DEFAULT_ACTIVATION_MINUTES = KmsRules.ACTIVATION_INTERVAL.toMinutes();
    public static final long DEFAULT_RENEWAL_MINUTES = KmsRules.RENEWAL_INTERVAL.toMinutes();

    /** A domain the host publishes its SRV record in beyond its own ({@code domain,priority,weight}). */
    public record PublishedDomain(String domain, int priority, int weight) {}

    /**
     * A KMS host key installed for an application.
     *
     * @param partialKey the last five characters only (never the whole key)
     * @param channel as SLC names it, e.g. {@code Volume:CSVLK}
     */
    public record InstalledHostKey(
            String applicationId, String skuId, String name, String description, String partialKey, String channel) {
        public InstalledHostKey {
            // Never more than the last five characters, whatever the reader was given (docs/kms-rules.md §8.6).
            partialKey = partialKey == null
                    ? ""
                    : partialKey.length() <= 5 ? partialKey : partialKey.substring(partialKey.length() - 5);
        }
    }

    /** A KMS host licence installed for an application, with whether its host key is installed too. */
    public record InstalledLicensePack(String applicationId, String skuId, String name, boolean hostKeyInstalled) {}
}
