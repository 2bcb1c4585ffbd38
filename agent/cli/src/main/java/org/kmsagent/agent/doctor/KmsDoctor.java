package org.kmsagent.agent.doctor;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.kmsagent.agent.core.AddressText;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginFailure;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.Sku;

/**
 * The diagnosis an administrator does by hand for {@code 0xC004F074} and friends, for every installed product of
 * every loaded family: the key's channel (KMS needs a GVLK), the license state and last result with their meaning
 * and usual fix, the KMS host configured or discovered (a real SRV lookup), whether its port accepts a TCP
 * connection (connect only), and the clock where the host's is known.
 *
 * <p>Each DNS name and each host:port is checked once per run, however many products use it. Blocking.
 */
public final class KmsDoctor {
    private final LicensingStack stack;
    private final KmsSrvLookup dns;
    private final PortProbe probe;
    private final Supplier<Optional<String>> machineDomain;
    private final Clock clock;
    private SimulatedZone simulated;
    /** How findings name the domain {@link #machineDomain} gives: the machine's, or the one {@code --domain} gave. */
    private String machineDomainSource = "the machine's domain";
    /** The endpoint the configuration's {@code renewal.kms} gives a family, which the agent sets when it starts. */
    private Function<String, Optional<KmsEndpoint>> configuredKms = family -> Optional.empty();

    /**
     * What the simulated machine's DNS holds: the agent's own host role, published in the simulated domain when it is
     * on (docs/simulate.md). No real DNS server knows that domain, so a lookup there is answered from this, as the
     * running agent's simulated machine is.
     *
     * @param domain the simulated machine's DNS domain
     * @param published the record the agent's host role publishes there, or empty when it publishes none
     * @param why why there is none (the host role off, or not publishing), for the finding
     */
    public record SimulatedZone(String domain, Optional<SrvRecord> published, String why) {}

    /**
     * @param stack the licensing stack to read
     * @param dns the SRV lookup
     * @param probe the TCP probe
     * @param machineDomain the machine's DNS domain ({@link MachineDomain#current()}, or {@code --domain})
     * @param clock the local clock
     * @param simulated the simulated machine's DNS, when {@code stack} is the simulated one: its domain is the
     *     machine's, and its records are answered without a DNS query or a port probe (nothing listens: the host
     *     role runs in-process)
     */
    public KmsDoctor(
            LicensingStack stack,
            KmsSrvLookup dns,
            PortProbe probe,
            Supplier<Optional<String>> machineDomain,
            Clock clock,
            SimulatedZone simulated) {
        this(stack, dns, probe, machineDomain, clock);
        this.simulated = simulated;
    }

    /** As the constructor above, with the domain {@code --domain} gave in place of the machine's. */
    public static KmsDoctor withDomain(
            LicensingStack stack, KmsSrvLookup dns, PortProbe probe, String domain, Clock clock) {
        KmsDoctor doctor = new KmsDoctor(stack, dns, probe, () -> Optional.of(domain), clock);
        doctor.machineDomainSource = "given with --domain";
        return doctor;
    }

    /**
     * @param stack the licensing stack to read
     * @param dns the SRV lookup
     * @param probe the TCP probe
     * @param machineDomain the machine's DNS domain ({@link MachineDomain#current()}, or {@code --domain})
     * @param clock the local clock
     */
    public KmsDoctor(
            LicensingStack stack,
            KmsSrvLookup dns,
            PortProbe probe,
            Supplier<Optional<String>> machineDomain,
            Clock clock) {
        this.stack = stack;
        this.dns = dns;
        this.probe = probe;
        this.machineDomain = machineDomain;
        this.clock = clock;
    }

    /**
     * Checks, for each family, the KMS endpoint the configuration gives it ({@code renewal.kms}), where that is not the
     * machine's setting: the agent points the family's products there when it starts, so a value tried before the
     * rollout (the MSI's {@code KMS}) is probed as the service will use it.
     */
    public KmsDoctor withConfiguredKms(Function<String, Optional<KmsEndpoint>> configured) {
        this.configuredKms = configured;
        return this;
    }

    /** Diagnoses every family's installed products. */
    public DoctorReport diagnose(List<LoadedFamily> families, LicensingStacks.Choice choice) {
        return diagnose(families, choice, Optional.empty());
    }

    /**
     * Diagnoses every family's installed products; with none loaded, the warning names {@code pluginsDirectory}
     * (where known).
     */
    public DoctorReport diagnose(
            List<LoadedFamily> families, LicensingStacks.Choice choice, Optional<Path> pluginsDirectory) {
        List<Finding> out = new ArrayList<>();
        Set<String> checked = new HashSet<>();
        boolean clockRefused = false;
        if (families.isEmpty()) {
            out.add(Finding.warn(
                    "agent",
                    "families",
                    "no product family is loaded"
                            + pluginsDirectory.map(d -> " from " + d).orElse("")
                            + ", so no product was checked, and an agent started over it keeps none activated",
                    "copy the family plugins there (the plugins folder of the release archive), or point pluginsDir"
                            + " or --plugins-dir at them (docs/plugin-guide.md)"));
        }
        for (LoadedFamily family : families) {
            List<InstalledProduct> installed;
            try {
                installed = family.findInstalled(stack);
            } catch (LicensingException e) {
                out.add(Finding.fail(
                        family.id(),
                        "installed-products",
                        e.getMessage(),
                        KmsFixes.fixFor(e.hresult()).orElse(null)));
                continue;
            } catch (PluginFailure e) {
                out.add(Finding.fail(
                        family.id(), "installed-products", e.getMessage(), "report it to the plugin's authors"));
                continue;
            }
            if (installed.isEmpty()) {
                out.add(Finding.info(family.id(), "installed-products", "no installed product of this family"));
            }
            for (InstalledProduct p : installed) {
                String subject = family.id() + ": " + p.name();
                out.add(channel(subject, p, family.catalog().bySkuId(p.skuId())));
                LicenseState state;
                try {
                    state = family.status(stack, p);
                } catch (LicensingException | PluginFailure e) {
                    out.add(Finding.fail(subject, "license-state", e.getMessage(), null));
                    continue;
                }
                out.add(status(subject, state));
                state.lastResult().ifPresent(r -> out.add(lastResult(subject, r)));
                clockRefused |= state.reason().code() == HResult.SL_E_VL_INVALID_TIMESTAMP.code()
                        || state.lastResult()
                                .filter(r -> r.hresult().code() == HResult.SL_E_VL_INVALID_TIMESTAMP.code())
                                .isPresent();
                host(subject, endpoint(subject, family.id(), state, out), state, out, checked);
            }
        }
        // To the second: the limit is 4 hours, and nanoseconds only make the line harder to compare with the host's.
        Instant localTime = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        out.add(
                clockRefused
                        ? Finding.fail(
                                "machine",
                                "clock",
                                "a KMS host refused this machine's request timestamp; local UTC time is " + localTime,
                                KmsFixes.fixFor(HResult.SL_E_VL_INVALID_TIMESTAMP)
                                        .orElse(null))
                        : Finding.info(
                                "machine",
                                "clock",
                                "local UTC time is " + localTime + "; the host's clock is not known"
                                        + " here (kms-agent sends nothing to a KMS host). A host refuses clients more than "
                                        + KmsRules.MAX_CLOCK_SKEW.toHours() + " hours off (docs/kms-rules.md §2.4)."));
        return new DoctorReport(choice.stack().name(), choice.reason(), out);
    }

    private static Finding channel(String subject, InstalledProduct p, Optional<Sku> sku) {
        String key = p.partialProductKey().map(k -> "key ending " + k).orElse("no key");
        String gvlk = sku.map(s -> "the edition's GVLK " + s.gvlk().masked()).orElse("the edition's GVLK");
        return switch (p.channel()) {
            case VOLUME_GVLK -> Finding.ok(subject, "key-channel", "Volume:GVLK (" + key + "): a KMS client");
            case VOLUME_MAK ->
                Finding.fail(
                        subject,
                        "key-channel",
                        "a MAK is installed (Volume:MAK, " + key
                                + ") where KMS activation needs a GVLK; a MAK activates online with Microsoft, never through KMS",
                        "install " + gvlk + " (kms-agent installs it; or slmgr /ipk), then activate");
            case VOLUME_CSVLK ->
                Finding.info(
                        subject,
                        "key-channel",
                        "a KMS host key is installed (Volume:CSVLK, " + key + "): this machine is a KMS host for it");
            case RETAIL, OEM ->
                Finding.fail(
                        subject,
                        "key-channel",
                        "a " + p.channel().slcName() + " key is installed (" + key
                                + "); only a GVLK activates through KMS",
                        "install " + gvlk + " if this machine is volume licensed");
            case UNKNOWN ->
                Finding.warn(
                        subject,
                        "key-channel",
                        "the key's channel is not reported (" + key + ")",
                        "check with slmgr /dlv that a GVLK is installed");
        };
    }

    private static Finding status(String subject, LicenseState s) {
        long minutes = s.graceRemaining().toMinutes();
        String reason = describe(s.reason());
        if (s.status() == LicenseStatus.LICENSED) {
            return Finding.ok(
                    subject,
                    "license-status",
                    "Licensed"
                            + (minutes > 0
                                    ? ", " + minutes + " minute(s) (" + minutes / 1440 + " day(s)) of validity left"
                                    : ""));
        }
        if (s.status().isGrace()) {
            return Finding.warn(
                    subject,
                    "license-status",
                    s.status().label() + ", " + minutes + " minute(s) (" + minutes / 1440 + " day(s)) left; reason "
                            + reason,
                    KmsFixes.fixFor(s.reason()).orElse("activate it before the grace period ends"));
        }
        return Finding.fail(
                subject,
                "license-status",
                s.status().label() + "; reason " + reason,
                KmsFixes.fixFor(s.reason()).orElse("activate it"));
    }

    private static Finding lastResult(String subject, ActivationResult r) {
        if (r.activated()) {
            return Finding.ok(
                    subject,
                    "last-result",
                    describe(r.hresult()) + r.kmsHost().map(h -> " from " + h).orElse(""));
        }
        return Finding.fail(
                subject,
                "last-result",
                "the last activation failed: " + describe(r.hresult()),
                KmsFixes.fixFor(r.hresult()).orElse(null));
    }

    /** The endpoint to check: the configured one where it differs from the machine's setting (said), else that. */
    private KmsEndpoint endpoint(String subject, String family, LicenseState s, List<Finding> out) {
        Optional<KmsEndpoint> configured = configuredKms.apply(family).filter(c -> !c.equals(s.kmsEndpoint()));
        configured.ifPresent(c -> out.add(Finding.info(
                subject,
                "kms-configured",
                "renewal.kms gives " + c + ", which the agent sets when it starts (the machine's setting now: "
                        + s.kmsEndpoint() + "); checked below")));
        return configured.orElse(s.kmsEndpoint());
    }

    private void host(String subject, KmsEndpoint endpoint, LicenseState s, List<Finding> out, Set<String> checked) {
        s.kmsHostInUse().ifPresent(h -> out.add(Finding.info(subject, "kms-host-in-use", "last answered by " + h)));
        if (endpoint instanceof KmsEndpoint.Pinned p) {
            out.add(Finding.info(subject, "kms-host", "pinned to " + p + " (slmgr /skms)"));
            port(p.host(), p.port(), out, checked);
            return;
        }
        KmsEndpoint.Discovery d = (KmsEndpoint.Discovery) endpoint;
        Optional<String> domain = d.lookupDomain().or(machineDomain);
        if (simulated != null && d.lookupDomain().isEmpty()) {
            simulatedHost(subject, out, checked);
            return;
        }
        if (domain.isEmpty()) {
            out.add(Finding.fail(
                    subject,
                    "kms-srv",
                    "DNS discovery is on but neither a lookup domain is set nor this"
                            + " machine's DNS domain is known",
                    KmsFixes.fixFor(HResult.ERROR_INVALID_NAME).orElse(null)));
            return;
        }
        String where = d.lookupDomain().isPresent() ? "the configured lookup domain" : machineDomainSource;
        out.add(Finding.info(subject, "kms-host", "DNS discovery in " + domain.get() + " (" + where + ")"));
        if (!checked.add("srv " + domain.get())) {
            return;
        }
        Optional<String> serverProblem = dns.serverProblem();
        if (serverProblem.isPresent()) {
            out.add(Finding.fail(
                    KmsSrvLookup.PREFIX + domain.get(),
                    "kms-srv",
                    "not looked up: " + serverProblem.get(),
                    "give the DNS server as an IP address (--dns-server 10.0.0.53 or 10.0.0.53:53) or a name this"
                            + " machine resolves, or leave out --dns-server to ask the system's DNS servers"));
            return;
        }
        SrvAnswer a = dns.lookup(domain.get());
        if (a.error().isPresent()) {
            HResult code = a.error().get();
            out.add(Finding.fail(
                    a.name(),
                    "kms-srv",
                    "no SRV record " + a.name() + ": " + a.detail() + " (a KMS client" + " reports " + code + ")",
                    KmsFixes.fixFor(code).orElse(null)));
            return;
        }
        out.add(Finding.ok(a.name(), "kms-srv", "SRV " + a.records()));
        a.records().stream().limit(5).forEach(r -> port(r.target(), r.port(), out, checked));
    }

    /** DNS discovery on the simulated machine: in its own domain, answered as the agent's simulated network would. */
    private void simulatedHost(String subject, List<Finding> out, Set<String> checked) {
        String domain = simulated.domain();
        out.add(Finding.info(subject, "kms-host", "DNS discovery in " + domain + " (the simulated machine's domain)"));
        if (!checked.add("srv " + domain)) {
            return;
        }
        String name = KmsSrvLookup.PREFIX + domain;
        if (simulated.published().isPresent()) {
            out.add(Finding.ok(
                    name,
                    "kms-srv",
                    "SRV " + List.of(simulated.published().get())
                            + " (the agent's own KMS host role, in-process: nothing listens, so no port is probed)"));
            return;
        }
        out.add(Finding.fail(
                name,
                "kms-srv",
                "no _vlmcs._tcp record in " + domain + ": " + simulated.why(),
                "turn the host role on (host.enabled: true, host.publishDns: true), or give a KMS host"
                        + " (renewal.kms)"));
    }

    private void port(String host, int port, List<Finding> out, Set<String> checked) {
        if (!checked.add("port " + host + ":" + port)) {
            return;
        }
        PortProbe.Outcome o = probe.probe(host, port);
        String subject = AddressText.of(host, port);
        out.add(
                o.open()
                        ? Finding.ok(subject, "kms-port", o.detail() + " (connect only, nothing sent)")
                        : Finding.fail(
                                subject,
                                "kms-port",
                                o.detail() + "; a KMS client would fail with "
                                        + HResult.SL_E_VL_BINDING_SERVICE_UNAVAILABLE + " or "
                                        + HResult.RPC_S_SERVER_UNAVAILABLE,
                                "open TCP " + port
                                        + " in the host's firewall and check that the host's Software Protection service"
                                        + " runs; if the name came from DNS, check that the SRV record is not stale"));
    }

    private static String describe(HResult h) {
        return h.hex() + " " + h.name() + " (" + h.meaning() + ")";
    }
}
