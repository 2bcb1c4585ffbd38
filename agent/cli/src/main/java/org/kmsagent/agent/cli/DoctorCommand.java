package org.kmsagent.agent.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.command.WholeNumberOption;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.HostMode;
import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.config.HostRoleConfig;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.doctor.BindingSelfTest;
import org.kmsagent.agent.doctor.DoctorFormat;
import org.kmsagent.agent.doctor.DoctorReport;
import org.kmsagent.agent.doctor.Finding;
import org.kmsagent.agent.doctor.KmsDoctor;
import org.kmsagent.agent.doctor.KmsSrvLookup;
import org.kmsagent.agent.doctor.LicensingCallsCheck;
import org.kmsagent.agent.doctor.MachineDomain;
import org.kmsagent.agent.doctor.NameResolver;
import org.kmsagent.agent.doctor.PluginLoadCheck;
import org.kmsagent.agent.doctor.PluginTrustCheck;
import org.kmsagent.agent.doctor.PortProbe;
import org.kmsagent.agent.doctor.SelfTestStep;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.live.SimulatedSite;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.api.KmsEndpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kms-agent doctor [--json] [--self-test]}: diagnoses why KMS activation fails (0xC004F074 and friends),
 * or, with {@code --self-test}, exercises every SLC binding read-only. Exit 0 when nothing failed, 1 when a check
 * failed (or the self-test cannot run here), 2 on usage errors.
 */
@TakesGlobalOptions
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Diagnoses KMS activation problems: key channel, license state and last result with the usual fix,"
                    + " the KMS host configured or found by DNS (_vlmcs._tcp SRV), whether its port accepts a TCP connection.",
            "--self-test exercises every SLC binding read-only (Windows)."
        })
public final class DoctorCommand extends MachineReportCommand {
    private final Clock clock;
    private final NameResolver.Lookup names;

    @Option(names = "--self-test", description = "Exercise every SLC binding read-only, one pass/fail line each.")
    boolean selfTest;

    @Option(
            names = "--dns-server",
            paramLabel = "HOST:PORT",
            description = "Ask this DNS server (an IP address or a name; port 53 unless given) for the _vlmcs._tcp"
                    + " SRV record instead of the system's.")
    void dnsServer(String text) {
        if (text == null || text.isBlank()) { // an unset variable in a script: the system's servers, as without it
            dnsServer = Optional.empty();
            return;
        }
        try {
            HostPort.Address server = HostPort.typed("--dns-server", text, DNS_PORT);
            dnsServer = Optional.of(InetSocketAddress.createUnresolved(server.host(), server.port()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static final int DNS_PORT = 53;

    private Optional<InetSocketAddress> dnsServer = Optional.empty();

    @Option(
            names = "--domain",
            paramLabel = "DOMAIN",
            description = "The DNS domain to look KMS hosts up in, used in place of the machine's domain"
                    + " (USERDNSDOMAIN on Windows); a configured lookup domain still wins. With the simulated stack, a"
                    + " real domain to look up in place of the simulated machine's.")
    String domain;

    static final WholeNumberOption TIMEOUT_MS = new WholeNumberOption("--timeout-ms", "milliseconds", 1, 60_000);

    int timeoutMillis;

    @Option(
            names = "--timeout-ms",
            paramLabel = "MS",
            defaultValue = "2000",
            description = "Timeout of each host name resolution, the DNS query and each TCP connect, 1-60000. Default:"
                    + " ${DEFAULT-VALUE}.")
    void timeoutMillis(String text) {
        timeoutMillis = TIMEOUT_MS.read(spec, text);
    }

    public DoctorCommand() {
        this(null, Clock.systemUTC());
    }

    public DoctorCommand(CliServices services, Clock clock) {
        this(services, clock, InetAddress::getByName);
    }

    /** Host names (the DNS server's, a KMS host's) resolved by {@code names}: the system's resolver unless a test gives another. */
    public DoctorCommand(CliServices services, Clock clock, NameResolver.Lookup names) {
        super(services);
        this.clock = clock;
        this.names = names;
    }

    @Override
    public Integer call() throws Exception {
        if (selfTest) {
            return selfTest();
        }
        // Read before the network is probed, so that a usage error in it ends the command at once.
        AgentConfig agent = services().agentConfig();
        LicensingStacks.Choice choice = licensingStack();
        Optional<String> domainOverride =
                Optional.ofNullable(domain).map(String::strip).filter(d -> !d.isEmpty());
        // Checked as set-kms --dns checks it: 'bad domain!' was looked up, and its failure blamed on DNS.
        domainOverride.flatMap(HostPort::domainProblem).ifPresent(problem -> {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--domain '" + BoundedInput.shown(domainOverride.get()) + "': " + problem);
        });
        NameResolver resolver = new NameResolver(names, Duration.ofMillis(timeoutMillis));
        KmsSrvLookup lookup = new KmsSrvLookup(dnsServer, timeoutMillis, resolver);
        PortProbe probe = new PortProbe(Duration.ofMillis(timeoutMillis), resolver);
        KmsDoctor doctor = domainOverride.isPresent()
                ? KmsDoctor.withDomain(choice.stack(), lookup, probe, domainOverride.get(), clock)
                : new KmsDoctor(
                        choice.stack(), lookup, probe, MachineDomain::current, clock, simulatedDns(choice, agent));
        doctor.withConfiguredKms(family -> Optional.of(agent.renewal().kmsFor(family))
                .filter(kms -> !kms.isEmpty())
                .map(KmsEndpoint::parse));
        DoctorReport report =
                doctor.diagnose(services().families(), choice, services().pluginsDirectory());
        report = withAgentRecord(report, agent);
        print(DoctorFormat.json(report), DoctorFormat.text(report));
        return report.failed() ? 1 : 0;
    }

    /**
     * With the simulated stack, the DNS its machine sees, as {@code run} builds it: the machine is in
     * {@link SimulatedSite#DOMAIN}, and the agent's host role (with {@code host.enabled}) publishes itself there under
     * the machine's name when {@code host.publishDns}; null with a real stack.
     */
    private static KmsDoctor.SimulatedZone simulatedDns(LicensingStacks.Choice choice, AgentConfig agent) {
        if (!"simulated".equals(choice.stack().name())) {
            return null;
        }
        HostRoleConfig host = agent.host();
        if (!host.enabled()) {
            return new KmsDoctor.SimulatedZone(
                    SimulatedSite.DOMAIN, Optional.empty(), "the agent's KMS host role is off (host.enabled=false)");
        }
        if (host.mode() == HostMode.WATCH || !host.publishDns()) {
            return new KmsDoctor.SimulatedZone(
                    SimulatedSite.DOMAIN,
                    Optional.empty(),
                    host.mode() == HostMode.WATCH
                            ? "host.mode: watch models no host"
                            : "the agent's KMS host role does not publish it (host.publishDns=false)");
        }
        return new KmsDoctor.SimulatedZone(
                SimulatedSite.DOMAIN,
                Optional.of(new SrvRecord(0, 0, host.port(), choice.stack().machineName())),
                "");
    }

    /**
     * Adds what the agent recorded in its data directory (the configuration's {@code dataDir}; {@code data} in the
     * working directory without one): the licensing calls it abandoned; whether it checks plugin signatures, and the
     * plugin jars it would not load.
     */
    private DoctorReport withAgentRecord(DoctorReport report, AgentConfig agent) {
        List<Finding> findings = new ArrayList<>(report.findings());
        findings.add(PluginTrustCheck.finding(services().pluginSignatures()));
        PluginLoadCheck.check(
                        services().pluginProblems(),
                        services().families().stream()
                                .map(LoadedFamily::pluginId)
                                .collect(Collectors.toSet()))
                .ifPresent(findings::add);
        LicensingCallsCheck.check(
                        Path.of(agent.dataDir()).toAbsolutePath(), clock.instant(), "simulated".equals(report.stack()))
                .ifPresent(findings::add);
        return new DoctorReport(report.stack(), report.stackReason(), findings);
    }

    private int selfTest() {
        String path = System.getProperty("jna.library.path");
        if (!services().windows() && (path == null || path.isBlank())) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("kms-agent: doctor --self-test exercises Windows' slc.dll and needs Windows; on "
                    + System.getProperty("os.name") + " point it at a test double with -Djna.library.path=DIR");
            err.flush();
            return 1;
        }
        List<SelfTestStep> steps = new BindingSelfTest(SlcClient::forService).run();
        print(DoctorFormat.selfTestJson(steps), DoctorFormat.selfTestText(steps));
        return BindingSelfTest.passed(steps) ? 0 : 1;
    }
}
