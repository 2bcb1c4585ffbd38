package org.kmsagent.agent.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.doctor.BindingSelfTest;
import org.kmsagent.agent.doctor.DoctorFormat;
import org.kmsagent.agent.doctor.DoctorReport;
import org.kmsagent.agent.doctor.Finding;
import org.kmsagent.agent.doctor.KmsDoctor;
import org.kmsagent.agent.doctor.KmsSrvLookup;
import org.kmsagent.agent.doctor.LicensingCallsCheck;
import org.kmsagent.agent.doctor.MachineDomain;
import org.kmsagent.agent.doctor.PluginTrustCheck;
import org.kmsagent.agent.doctor.PortProbe;
import org.kmsagent.agent.doctor.SelfTestStep;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.licensing.slc.SlcClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
public final class DoctorCommand implements Callable<Integer> {
    private CliServices services;
    private final Clock clock;

    @Mixin
    LicensingOption licensing;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--self-test", description = "Exercise every SLC binding read-only, one pass/fail line each.")
    boolean selfTest;

    @Option(
            names = "--dns-server",
            paramLabel = "HOST:PORT",
            description = "Ask this DNS server (an IP address or a name; port 53 unless given) for the _vlmcs._tcp"
                    + " SRV record instead of the system's.")
    String dnsServer;

    @Option(
            names = "--domain",
            paramLabel = "DOMAIN",
            description = "The machine's DNS domain, when it cannot be found (a configured lookup domain still wins).")
    String domain;

    @Option(
            names = "--timeout-ms",
            paramLabel = "MS",
            defaultValue = "2000",
            description = "Timeout of each host name resolution, the DNS query and each TCP connect. Default:"
                    + " ${DEFAULT-VALUE}.")
    int timeoutMillis;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "The agent's configuration (default: "
                            + "KMSAGENT_CONFIG), to find its data directory and report the licensing calls the agent abandoned.")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    KmsAgentCommand root;

    public DoctorCommand() {
        this(null, Clock.systemUTC());
    }

    public DoctorCommand(CliServices services, Clock clock) {
        this.services = services;
        this.clock = clock;
    }

    /** The services given to the constructor, or the real wiring (which needs the parsed root options). */
    private CliServices services() {
        if (services == null) {
            services = new DefaultCliServices(() -> root);
        }
        return services;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (timeoutMillis < 1 || timeoutMillis > 60_000) {
            throw new UsageException("--timeout-ms must be 1-60000, got " + timeoutMillis);
        }
        if (selfTest) {
            return selfTest(out);
        }
        LicensingStacks.Choice choice;
        try {
            choice = services().stacks().select(licensing.mode);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Optional<String> domainOverride = Optional.ofNullable(domain).filter(d -> !d.isBlank());
        KmsDoctor doctor = new KmsDoctor(
                choice.stack(),
                new KmsSrvLookup(parseServer(), timeoutMillis),
                new PortProbe(Duration.ofMillis(timeoutMillis)),
                () -> domainOverride.isPresent() ? domainOverride : MachineDomain.current(),
                clock);
        DoctorReport report = doctor.diagnose(services().families(), choice.statusLine());
        report = withAgentRecord(report);
        out.print(json ? DoctorFormat.json(report) + "\n" : DoctorFormat.text(report));
        out.flush();
        return report.failed() ? 1 : 0;
    }

    /**
     * Adds what the agent recorded in its data directory (the configuration's {@code dataDir}; {@code data} in the
     * working directory without one): the licensing calls it abandoned; and whether it checks plugin signatures.
     */
    private DoctorReport withAgentRecord(DoctorReport report) {
        Optional<Path> file = Optional.ofNullable(config)
                .or(() -> Optional.ofNullable(System.getenv("KMSAGENT_CONFIG")).map(Path::of));
        List<Finding> findings = new ArrayList<>(report.findings());
        Path dataDir;
        try {
            AgentConfig agent = new ConfigLoader(System.getenv()).load(file, List.of());
            dataDir = Path.of(agent.dataDir()).toAbsolutePath();
            findings.add(PluginTrustCheck.finding(agent.plugins()));
        } catch (ConfigException e) {
            throw new UsageException("--config: " + String.join("; ", e.errors()));
        }
        LicensingCallsCheck.check(dataDir, clock.instant()).ifPresent(findings::add);
        return new DoctorReport(report.stackLine(), findings);
    }

    private int selfTest(PrintWriter out) {
        String path = System.getProperty("jna.library.path");
        if (!services().windows() && (path == null || path.isBlank())) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("kms-agent: doctor --self-test exercises Windows' slc.dll and needs Windows; on "
                    + System.getProperty("os.name") + " point it at a test double with -Djna.library.path=DIR");
            err.flush();
            return 1;
        }
        List<SelfTestStep> steps = new BindingSelfTest(SlcClient::forService).run();
        out.print(json ? DoctorFormat.selfTestJson(steps) + "\n" : DoctorFormat.selfTestText(steps));
        out.flush();
        return BindingSelfTest.passed(steps) ? 0 : 1;
    }

    private Optional<InetSocketAddress> parseServer() {
        if (dnsServer == null || dnsServer.isBlank()) {
            return Optional.empty();
        }
        int colon = dnsServer.lastIndexOf(':');
        try {
            if (colon < 0) {
                return Optional.of(InetSocketAddress.createUnresolved(dnsServer, 53));
            }
            int port = Integer.parseInt(dnsServer.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return Optional.of(InetSocketAddress.createUnresolved(dnsServer.substring(0, colon), port));
        } catch (NumberFormatException e) {
            throw new UsageException(
                    "--dns-server must be HOST or HOST:PORT with a port 1-65535, got '" + dnsServer + "'");
        }
    }
}
