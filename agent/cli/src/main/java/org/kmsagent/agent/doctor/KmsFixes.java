package org.kmsagent.agent.doctor;

import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.HResult;
import org.kmsagent.api.ThresholdClass;

/**
 * The usual cause of each activation error and its fix, as docs/kms-rules.md §5 ("usual cause → fix") gives them.
 * The one place that table lives in code.
 */
public final class KmsFixes {
    /** Microsoft lists 0x8007007B and 0x80092328 alike, as "DNS name does not exist" (§5). */
    private static final String SRV_NOT_FOUND = "KMS SRV records not found; seen when the client has no primary DNS"
            + " suffix: set one, or set a lookup domain (slmgr /skms-domain).";

    /** The rules the fixes name, as kms-rules.md states them (§1.5, §2.4, §2.5). */
    private static final String THRESHOLDS = ThresholdClass.CLIENT.minimumCount() + " client / "
            + ThresholdClass.SERVER.minimumCount() + " server / " + ThresholdClass.OFFICE.minimumCount() + " Office";

    private static final int PORT = KmsRules.DEFAULT_PORT;
    private static final long SKEW_HOURS = KmsRules.MAX_CLOCK_SKEW.toHours();

    private static final Map<Integer, String> FIXES = Map.ofEntries(
            Map.entry(
                    0xC004F038,
                    "Fewer unique clients than the threshold (" + THRESHOLDS + "): add clients,"
                            + " check the host's count with slmgr /dli, look for duplicate client machine ids (cloned images)."),
            Map.entry(
                    0xC004F039,
                    "The host did not answer the request: check the network and firewall, TCP " + PORT + "."),
            Map.entry(0xC004F041, "The KMS host itself is not activated: activate its host key online or by phone."),
            Map.entry(
                    0xC004F042,
                    "The host's key cannot activate this product (a Windows-only host asked for Office, or an"
                            + " old host for a new OS): point the client at a suitable host or upgrade the host key."),
            Map.entry(
                    0xC004F074,
                    "Every host tried returned an error: a stopped sppsvc on the host, TCP " + PORT + " blocked, a"
                            + " stale SRV record, a version mismatch or more than " + SKEW_HOURS
                            + " h clock skew. Read event 12288 in the client's"
                            + " Application log."),
            Map.entry(
                    0xC004F06C,
                    "Client and host UTC clocks differ by more than " + SKEW_HOURS
                            + " hours: fix time sync (NTP / AD)."),
            Map.entry(0xC004C003, "The key (MAK or host key) is blocked: get a new key."),
            Map.entry(
                    0xC004C008,
                    "The host key (CSVLK) is over its limit: six hosts, each reactivated up to nine times: ask a"
                            + " Microsoft activation centre for more."),
            Map.entry(
                    0xC004F035,
                    "A Windows 7 volume license without the OEM BIOS marker: use a MAK or retail key after a"
                            + " qualifying license."),
            Map.entry(0xC004F050, "A typo, a beta key on RTM, or a key for another product: install the right key."),
            Map.entry(
                    0x8007232B,
                    "No _vlmcs._tcp SRV record was found: check that the host publishes it (or publish it"
                            + " by hand), or pin a host with slmgr /skms host:port."),
            Map.entry(0x8007232A, "A network or DNS server problem: check the client's DNS servers."),
            Map.entry(0x800706BA, "A firewall on the host, or a stale SRV record naming a machine that is no host."),
            Map.entry(0x8007251D, "No KMS SRV records: publish them or pin a host with slmgr /skms."),
            Map.entry(0x8007007B, SRV_NOT_FOUND),
            Map.entry(0x80092328, SRV_NOT_FOUND),
            Map.entry(
                    0xC004F009, "The grace period expired and the product is in the Notification state: activate it."),
            Map.entry(0xC004F014, "No key is installed: install the edition's GVLK."),
            Map.entry(
                    0xC004E003,
                    "A damaged license store or damaged system files: rebuilding the store (tokens.dat,"
                            + " slmgr /rilc) is the documented repair (mapping to this code unconfirmed)."));

    private KmsFixes() {}

    /** The usual cause and fix of {@code hr}, if the table knows it. */
    public static Optional<String> fixFor(HResult hr) {
        return Optional.ofNullable(FIXES.get(hr.code()));
    }
}
