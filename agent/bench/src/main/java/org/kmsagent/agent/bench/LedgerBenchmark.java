package org.kmsagent.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;
import org.kmsagent.agent.host.H2ActivationLedger;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.host.KmsRequest;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.host.MemoryActivationLedger;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.ThresholdClass;

/**
 * Durable ledger requests per second through {@link LedgerKmsHost} (every request one transaction, committed and
 * stored in an H2 file before it is answered), beside raw single-row inserts into the same database, each committed and
 * stored the same way, without the ledger logic (issue 3: target at least half). Also the cost per request as the
 * fleet grows 10x and 100x (it should stay flat: a pool's table is capped at 50), and the in-memory ledgers a
 * simulation can use.
 *
 * <p>Phases alternate (raw, ledger, raw, ledger...) after a warm-up, so that drift of this shared machine hits both.
 */
public final class LedgerBenchmark implements Benchmark {
    private static final ProductGroup WINDOWS_7 =
            new ProductGroup("Windows 7", UUID.fromString("7fde5219-fbfa-484a-82c9-34d1ad53e856"));
    private static final ProductGroup SERVER_2016 =
            new ProductGroup("Windows Server 2016", UUID.fromString("6e9fc069-257d-4bc4-b4a7-750514d32743"));
    private static final ProductGroup OFFICE_2013 =
            new ProductGroup("Office 2013", UUID.fromString("e6a6f1bf-9d40-40c3-aa9f-c77ba21578c0"));
    private static final UUID WINDOWS_APP = UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f");
    private static final UUID OFFICE_2013_APP = UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663");
    private static final Instant START = Instant.parse("2026-01-05T08:00:00Z");
    private static final int BASE_MACHINES = 1_000;

    @Override
    public String name() {
        return "ledger";
    }

    @Override
    public List<BenchFigure> run(boolean quick) throws Exception {
        Duration phase = quick ? Duration.ofMillis(200) : Duration.ofSeconds(5);
        List<BenchFigure> figures = new ArrayList<>();
        Path dir = Files.createTempDirectory("kms-ledger-bench");
        try {
            Path file = dir.resolve("ledger");
            double ledgerRate;
            try (H2ActivationLedger ledger = H2ActivationLedger.openFile(file);
                    Connection raw = DriverManager.getConnection(H2ActivationLedger.jdbcUrl(file), "sa", "")) {
                Workload workload = new Workload(new LedgerKmsHost(host(), ledger), BASE_MACHINES);
                RawInserts inserts = new RawInserts(raw);
                inserts.run(phase);
                workload.run(phase);
                Rate rawRate = new Rate();
                Rate ledgerMeasured = new Rate();
                for (int round = 0; round < (quick ? 2 : 3); round++) { // alternate, so drift hits both
                    rawRate.add(inserts.run(phase));
                    ledgerMeasured.add(workload.run(phase));
                }
                ledgerRate = ledgerMeasured.perSecond();
                figures.add(new BenchFigure(
                        name(),
                        "durable ledger requests/s",
                        ledgerRate,
                        "req/s",
                        "raw inserts/s of the history row, same table shape, each committed and stored (same file)",
                        rawRate.perSecond(),
                        true,
                        OptionalDouble.of(0.5)));
            }
            for (int factor : new int[] {10, 100}) {
                try (H2ActivationLedger ledger = H2ActivationLedger.openFile(dir.resolve("ledger-x" + factor))) {
                    Workload workload = new Workload(new LedgerKmsHost(host(), ledger), BASE_MACHINES * factor);
                    workload.run(phase.dividedBy(2));
                    double rate = workload.run(phase.multipliedBy(2)).perSecond();
                    figures.add(new BenchFigure(
                            name(),
                            "durable ledger requests/s, " + BASE_MACHINES * factor + " machines",
                            rate,
                            "req/s",
                            "durable ledger requests/s, " + BASE_MACHINES + " machines",
                            ledgerRate,
                            true,
                            OptionalDouble.empty()));
                }
            }
            try (H2ActivationLedger memory = H2ActivationLedger.inMemory()) {
                Workload workload = new Workload(new LedgerKmsHost(host(), memory), BASE_MACHINES * 100);
                workload.run(phase.dividedBy(2));
                double rate = workload.run(phase.multipliedBy(2)).perSecond();
                figures.add(new BenchFigure(
                        name(),
                        "H2 in-memory ledger requests/s, " + BASE_MACHINES * 100 + " machines",
                        rate,
                        "req/s",
                        "durable ledger requests/s, " + BASE_MACHINES + " machines",
                        ledgerRate,
                        true,
                        OptionalDouble.empty()));
            }
            try (MemoryActivationLedger memory = new MemoryActivationLedger()) {
                Workload workload = new Workload(new LedgerKmsHost(host(), memory), BASE_MACHINES * 100);
                workload.run(phase.dividedBy(2));
                double rate = workload.run(phase.multipliedBy(2)).perSecond();
                figures.add(new BenchFigure(
                        name(),
                        "plain-memory ledger requests/s, " + BASE_MACHINES * 100 + " machines",
                        rate,
                        "req/s",
                        "durable ledger requests/s, " + BASE_MACHINES + " machines",
                        ledgerRate,
                        true,
                        OptionalDouble.empty()));
            }
        } finally {
            deleteTree(dir);
        }
        return figures;
    }

    private static HostConfig host() {
        HostKey server2016 = new HostKey(
                "Windows Server 2016 CSVLK", Set.of(SERVER_2016.kmsId(), WINDOWS_7.kmsId()), Optional.empty(), 6);
        HostKey office2013 = new HostKey(
                "Office 2013 KMS host key",
                Set.of(OFFICE_2013.kmsId()),
                Optional.of("Office 2013 Volume License Pack"),
                1);
        return HostConfig.of("bench-kms", List.of(server2016, office2013), Set.of("Office 2013 Volume License Pack"));
    }

    /** Operations over elapsed time, summed over phases. */
    private static final class Rate {
        long operations;
        long nanos;

        Rate add(Rate other) {
            operations += other.operations;
            nanos += other.nanos;
            return this;
        }

        double perSecond() {
            return nanos == 0 ? 0 : operations * 1e9 / nanos;
        }
    }

    /** A fleet renewing weekly: each request is a random machine, the host's clock advancing a week per fleet size. */
    private static final class Workload {
        private final LedgerKmsHost host;
        private final int machines;
        private final Duration step;
        private final SplittableRandom random = new SplittableRandom(42);
        private Instant now = START;

        Workload(LedgerKmsHost host, int machines) {
            this.host = host;
            this.machines = machines;
            this.step = Duration.ofDays(7).dividedBy(machines);
        }

        Rate run(Duration phase) {
            Rate rate = new Rate();
            long start = System.nanoTime();
            long end = start + phase.toNanos();
            long ops = 0;
            long t;
            do {
                for (int i = 0; i < 16; i++) {
                    now = now.plus(step);
                    host.handle(request(random.nextInt(machines), now), now);
                    ops++;
                }
                t = System.nanoTime();
            } while (t < end);
            rate.operations = ops;
            rate.nanos = t - start;
            return rate;
        }

        private static KmsRequest request(int machine, Instant now) {
            UUID cmid = new UUID(0xbe7c_0000_0000_0000L, machine);
            String name = "pc-" + machine;
            return switch (machine % 10) {
                case 0 ->
                    new KmsRequest(
                            now,
                            cmid,
                            name,
                            "windows-server",
                            "windows",
                            WINDOWS_APP,
                            "Windows Server 2016 Standard",
                            SERVER_2016,
                            ThresholdClass.SERVER,
                            LicenseStatus.INITIAL_GRACE);
                case 1 ->
                    new KmsRequest(
                            now,
                            cmid,
                            name,
                            "office2013",
                            "office2013",
                            OFFICE_2013_APP,
                            "Office Professional Plus 2013",
                            OFFICE_2013,
                            ThresholdClass.OFFICE,
                            LicenseStatus.INITIAL_GRACE);
                default ->
                    new KmsRequest(
                            now,
                            cmid,
                            name,
                            "windows-client",
                            "windows",
                            WINDOWS_APP,
                            "Windows 7 Enterprise",
                            WINDOWS_7,
                            ThresholdClass.CLIENT,
                            LicenseStatus.INITIAL_GRACE);
            };
        }
    }

    /**
     * The baseline: the row the ledger must keep for every request (a table shaped and indexed like
     * {@code request_history}), inserted, committed and stored one at a time, with no counting and no pool entries.
     */
    private static final class RawInserts {
        private final Connection connection;
        private final PreparedStatement insert;
        private final PreparedStatement checkpoint;
        private long sequence;

        RawInserts(Connection connection) throws SQLException {
            this.connection = connection;
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TABLE bench_raw_insert (seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                        + " host_time TIMESTAMP(9) WITH TIME ZONE NOT NULL, client_time TIMESTAMP(9) WITH TIME ZONE NOT NULL,"
                        + " cmid UUID NOT NULL, machine_name VARCHAR NOT NULL, family_id VARCHAR NOT NULL,"
                        + " sku_name VARCHAR NOT NULL, pool_id VARCHAR NOT NULL, product_group VARCHAR NOT NULL,"
                        + " required_count INT NOT NULL, result_hresult INT NOT NULL, count_returned INT NOT NULL)");
                st.execute("CREATE INDEX bench_raw_insert_host_time ON bench_raw_insert (host_time)");
            }
            connection.commit();
            insert = connection.prepareStatement("INSERT INTO bench_raw_insert (host_time, client_time, cmid,"
                    + " machine_name, family_id, sku_name, pool_id, product_group, required_count, result_hresult,"
                    + " count_returned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            checkpoint = connection.prepareStatement("CHECKPOINT");
        }

        Rate run(Duration phase) throws SQLException {
            Rate rate = new Rate();
            long start = System.nanoTime();
            long end = start + phase.toNanos();
            long ops = 0;
            long t;
            do {
                for (int i = 0; i < 16; i++) {
                    Instant at = START.plusSeconds(sequence++);
                    insert.setObject(1, at);
                    insert.setObject(2, at);
                    insert.setObject(3, new UUID(0xbe7c_0000_0000_0000L, sequence));
                    insert.setString(4, "pc-" + sequence);
                    insert.setString(5, "windows-client");
                    insert.setString(6, "Windows 7 Enterprise");
                    insert.setString(7, "windows");
                    insert.setString(8, "Windows 7");
                    insert.setInt(9, 25);
                    insert.setInt(10, 0xC004F038);
                    insert.setInt(11, 13);
                    insert.executeUpdate();
                    connection.commit();
                    checkpoint.execute(); // stored in the file as the durable ledger's commits are
                    ops++;
                }
                t = System.nanoTime();
            } while (t < end);
            rate.operations = ops;
            rate.nanos = t - start;
            return rate;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Runs the benchmark and prints its figures (for a look without the bench command). */
    public static void main(String[] args) throws Exception {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        for (BenchFigure f : new LedgerBenchmark().run(quick)) {
            System.out.printf(
                    "%-50s %12.0f %s  vs %-60s %12.0f  ratio %.2f%s%n",
                    f.figure(),
                    f.value(),
                    f.unit(),
                    f.baselineName(),
                    f.baseline(),
                    f.ratio(),
                    f.targetRatio().isPresent() ? (f.meetsTarget() ? "  (target met)" : "  (TARGET MISSED)") : "");
        }
    }
}
