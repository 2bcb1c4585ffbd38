package org.kmsagent.agent.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.kmsagent.agent.core.FileReason;
import org.kmsagent.agent.core.OwnerOnly;
import org.kmsagent.api.HResult;

/**
 * The activation ledger in an embedded H2 database, over one JDBC connection.
 *
 * <ul>
 *   <li>{@link #openFile(Path)}: durable. Every {@link #apply} is one transaction, committed and written to the file
 *       ({@code CHECKPOINT}) before it returns, rather than by H2's background writer up to 500 ms later: an
 *       acknowledged request survives {@code kill -9}. Reopening the file keeps everything.
 *   <li>{@link #inMemory()}: for simulations. Nothing survives the process; updates are gathered and written in
 *       batches of {@value #MEMORY_BATCH} requests (each batch one transaction), and every read writes the pending
 *       batch first, so reads always see every applied request.
 * </ul>
 *
 * <p>Schema (version {@value #SCHEMA_VERSION}, recorded in {@code schema_version} so that later versions can
 * migrate): {@code pool_entry} (pool, cmid, machine name, last seen), {@code pool_state} (pool, highest threshold),
 * {@code request_history} (append-only: this class never updates or deletes a history row); from version 2
 * {@code observed_request} (append-only: what a watched genuine host logged, {@link ObservedRequestLog}). See
 * docs/host.md.
 *
 * <p>Thread-safe: every method is synchronized on the ledger.
 */
public final class H2ActivationLedger implements ActivationLedger, ObservedRequestLog {
    /** The schema version this code writes and reads. */
    public static final int SCHEMA_VERSION = 2;
    /** Requests per write batch of the in-memory ledger. */
    static final int MEMORY_BATCH = 1024;

    private static final String MERGE_ENTRY =
            "MERGE INTO pool_entry (pool_id, cmid, machine_name, last_seen) KEY (pool_id, cmid) VALUES (?, ?, ?, ?)";
    private static final String DELETE_ENTRY = "DELETE FROM pool_entry WHERE pool_id = ? AND cmid = ?";
    private static final String MERGE_POOL_STATE =
            "MERGE INTO pool_state (pool_id, highest_threshold) KEY (pool_id) VALUES (?, ?)";
    private static final String INSERT_HISTORY = "INSERT INTO request_history (host_time, client_time, cmid,"
            + " machine_name, family_id, sku_name, pool_id, product_group, required_count, result_hresult, count_returned)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String HISTORY_COLUMNS = "SELECT seq, host_time, client_time, cmid, machine_name, family_id,"
            + " sku_name, pool_id, product_group, required_count, result_hresult, count_returned FROM request_history";
    /**
     * An {@link ObservedRequest}'s columns, in the order of its components: what {@link #appendObserved} writes and
     * {@link #observed} reads back.
     */
    private static final String OBSERVED_COLUMNS = "record_id, host_time, host_name, result, required_count,"
            + " client_name, cmid, client_time, license_state, minutes_to_expiry, sku_id";

    private final String description;
    private final boolean durable;
    private final Connection connection;
    private final PreparedStatement mergeEntry;
    private final PreparedStatement deleteEntry;
    private final PreparedStatement mergePoolState;
    private final PreparedStatement insertHistory;
    private final PreparedStatement checkpoint;

    // In-memory mode only: what the next batch writes. Entry changes are coalesced per (pool, cmid), the last one
    // wins (empty = delete), so that the batch order of deletes and merges cannot matter.
    private final Map<EntryKey, Optional<PoolEntry>> pendingEntries = new LinkedHashMap<>();
    private final Map<String, Integer> pendingThresholds = new LinkedHashMap<>();
    private int pendingHistory;
    private boolean closed;

    private record EntryKey(String poolId, UUID cmid) {}

    private H2ActivationLedger(String url, String description, boolean durable) {
        this.description = description;
        this.durable = durable;
        try {
            this.connection = DriverManager.getConnection(url, "sa", "");
        } catch (SQLException e) {
            throw new LedgerException(
                    "cannot open the activation ledger " + description + ": "
                            + withFileNamed(
                                    String.valueOf(e.getMessage()),
                                    description.substring(description.lastIndexOf(java.io.File.separatorChar) + 1)),
                    e);
        }
        try {
            connection.setAutoCommit(false);
            migrate();
            mergeEntry = connection.prepareStatement(MERGE_ENTRY);
            deleteEntry = connection.prepareStatement(DELETE_ENTRY);
            mergePoolState = connection.prepareStatement(MERGE_POOL_STATE);
            insertHistory = connection.prepareStatement(INSERT_HISTORY);
            checkpoint = connection.prepareStatement("CHECKPOINT");
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            if (e instanceof LedgerException le) {
                throw le;
            }
            throw new LedgerException("cannot prepare the activation ledger " + description + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens (or creates) the durable ledger in the H2 file {@code file} (H2 adds {@code .mv.db}; a path already ending
     * in {@code .mv.db} is taken as is). Its parent directory is created if missing.
     *
     * @throws LedgerAccessException the file is there but this account may not read and write it
     * @throws LedgerException if the file cannot be opened (in use by another process, not an H2 database, or written
     *     by a newer schema version)
     */
    public static H2ActivationLedger openFile(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        String base = absolute.toString();
        if (base.endsWith(".mv.db")) {
            base = base.substring(0, base.length() - ".mv.db".length());
        }
        try {
            if (absolute.getParent() != null) {
                OwnerOnly.directories(absolute.getParent());
            }
        } catch (IOException e) {
            throw new LedgerException("cannot create the directory of the activation ledger " + base + ".mv.db", e);
        }
        refuseInaccessible(Path.of(base + ".mv.db"));
        refuseNewerSchema(base);
        H2ActivationLedger ledger = new H2ActivationLedger(fileUrl(base), base + ".mv.db", true);
        try {
            // H2 creates the file with the process's umask (0644); it holds the machines and their CMIDs, which the
            // data folder's other files keep to their owner (OwnerOnly).
            OwnerOnly.file(Path.of(base + ".mv.db"));
        } catch (IOException e) {
            ledger.close();
            // Another account's file this one may write (mode 0666): intact, but not this account's to keep private.
            throw new LedgerAccessException(
                    "cannot make the activation ledger " + base + ".mv.db its owner's only: " + FileReason.of(e)
                            + ownerAndMode(Path.of(base + ".mv.db")),
                    e);
        }
        return ledger;
    }

    /**
     * Refuses a ledger this account may not read and write before H2 tries: H2 then says only "Could not open file",
     * which reads as damage, and a damaged ledger is moved aside and started afresh, every pool at zero (operations.md).
     */
    private static void refuseInaccessible(Path file) {
        if (!Files.exists(file) || (Files.isReadable(file) && Files.isWritable(file))) {
            return;
        }
        throw new LedgerAccessException("cannot open the activation ledger " + file + ": this account ("
                + System.getProperty("user.name") + ") may not " + (Files.isReadable(file) ? "write" : "read") + " it"
                + ownerAndMode(file) + "; give the file to the agent's account, or run the agent as its owner");
    }

    /** {@code  (owner root, rw-r--r--)}, or nothing where the file system does not say. */
    private static String ownerAndMode(Path file) {
        try {
            PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class);
            return " (owner " + a.owner().getName() + ", " + PosixFilePermissions.toString(a.permissions()) + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /**
     * Refuses a ledger a newer kms-agent wrote before opening it for writing: opened so, H2 rewrites the file's header
     * and chunks even when the agent then refuses it, and the refused file was to be left as it was (docs/host.md).
     * Read through a read-only connection; whatever that cannot read (no file, a damaged one, one in use, no schema
     * table) is left to the ordinary open, which reports it.
     */
    private static void refuseNewerSchema(String base) {
        Path file = Path.of(base + ".mv.db");
        try {
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                // Nothing to refuse; an empty file is one H2 makes a new ledger in (a read-only look at it would
                // leave it open, and the open below would then call it in use).
                return;
            }
        } catch (IOException e) {
            return; // the open below says what is wrong with it
        }
        // A file H2 must repair before it can be read (a truncated one) failed a read-only SQL open, and that failure
        // left the file locked inside this JVM until a collection: the open for writing then called it "already in
        // use", which the host role does not take for damage, so it stayed off at every start. Looked at read-only as
        // a store first (closed whatever it finds), a file in which no table can be read is damage, moved aside by the
        // host role (operations.md): opened for writing, H2 made an empty ledger over what was left of it.
        boolean tablesReadable;
        try (MVStore store =
                new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            tablesReadable = !store.getMapNames().isEmpty();
        } catch (MVStoreException e) {
            if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                return; // another process has it open: the open below says so
            }
            throw damaged(file, e);
        } catch (RuntimeException e) {
            throw damaged(file, e);
        }
        if (!tablesReadable) {
            throw new LedgerException("cannot open the activation ledger " + file + ": damaged (no table can be read)");
        }
        int version;
        try (Connection c = DriverManager.getConnection(fileUrl(base) + ";ACCESS_MODE_DATA=r", "sa", "");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            version = rs.getInt(1);
        } catch (SQLException e) {
            return;
        }
        if (version > SCHEMA_VERSION) {
            throw newerSchema(base + ".mv.db", version);
        }
    }

    private static LedgerException damaged(Path file, RuntimeException e) {
        String why =
                String.valueOf(e.getMessage()).lines().findFirst().orElse("").replaceAll(" \\[[0-9./-]+]$", "");
        return new LedgerException(
                "cannot open the activation ledger " + file + ": damaged ("
                        + withFileNamed(why, String.valueOf(file.getFileName())) + ")",
                e);
    }

    /** A Java object's default name, {@code sun.nio.ch.FileChannelImpl@40ada3c9}, as H2 puts the file in a message. */
    private static final Pattern JAVA_OBJECT =
            Pattern.compile("\\b[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+@[0-9a-f]+\\b");

    /**
     * H2's message with the Java objects it names (its file channel) replaced by the file's name: the banner read
     * "damaged (Reading from file sun.nio.ch.FileChannelImpl@40ada3c9 failed at 1000 ...)".
     */
    static String withFileNamed(String message, String fileName) {
        return JAVA_OBJECT.matcher(message).replaceAll(Matcher.quoteReplacement(fileName));
    }

    private static LedgerException newerSchema(String description, int version) {
        return new LedgerException("the activation ledger " + description + " has schema version " + version
                + ", newer than this agent's " + SCHEMA_VERSION + "; open it with a newer kms-agent");
    }

    /**
     * The JDBC URL the durable ledger uses for {@code file}, with the same settings; for tools that read the ledger or,
     * like the ledger benchmark, write beside it in the same database.
     */
    public static String jdbcUrl(Path file) {
        String base = file.toAbsolutePath().normalize().toString();
        return fileUrl(base.endsWith(".mv.db") ? base.substring(0, base.length() - ".mv.db".length()) : base);
    }

    static String fileUrl(String base) {
        // H2 keeps no redo log: a commit reaches the file when its background writer next stores (WRITE_DELAY, 500 ms),
        // so kill -9 would lose it; apply() therefore stores it itself with CHECKPOINT. H2's default RETENTION_TIME
        // (45 s) is kept on purpose: with it shortened (it was 1 s, to keep the file small) H2 reuses the space of
        // chunks that the file's header still leads to, and a kill -9 then lost acknowledged requests on reopening
        // (host.CrashConsistencyTest lost some within 11 and 17 kills; none in 200 with the default). docs/host.md.
        // TRACE_LEVEL_FILE=0: H2 wrote its own ledger.trace.db of stack traces beside the ledger (a damaged file, a
        // second process), world-readable and never rotated; the agent reports each failure itself (LedgerException).
        return "jdbc:h2:file:" + base + ";TRACE_LEVEL_FILE=0";
    }

    /** A fresh, private in-memory ledger (nothing survives the process). */
    public static H2ActivationLedger inMemory() {
        String name = "ledger-" + UUID.randomUUID();
        return new H2ActivationLedger("jdbc:h2:mem:" + name, "in memory (" + name + ")", false);
    }

    @Override
    public boolean durable() {
        return durable;
    }

    @Override
    public String toString() {
        return "H2ActivationLedger[" + description + "]";
    }

    private void migrate() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL PRIMARY KEY,"
                    + " applied_at TIMESTAMP(9) WITH TIME ZONE NOT NULL)");
            int version;
            try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                rs.next();
                version = rs.getInt(1);
            }
            if (version > SCHEMA_VERSION) {
                throw newerSchema(description, version);
            }
            if (version < 1) {
                st.execute("CREATE TABLE pool_entry (pool_id VARCHAR NOT NULL, cmid UUID NOT NULL,"
                        + " machine_name VARCHAR NOT NULL, last_seen TIMESTAMP(9) WITH TIME ZONE NOT NULL,"
                        + " PRIMARY KEY (pool_id, cmid))");
                st.execute(
                        "CREATE TABLE pool_state (pool_id VARCHAR NOT NULL PRIMARY KEY, highest_threshold INT NOT NULL)");
                st.execute("CREATE TABLE request_history (seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                        + " host_time TIMESTAMP(9) WITH TIME ZONE NOT NULL, client_time TIMESTAMP(9) WITH TIME ZONE NOT NULL,"
                        + " cmid UUID NOT NULL, machine_name VARCHAR NOT NULL, family_id VARCHAR NOT NULL,"
                        + " sku_name VARCHAR NOT NULL, pool_id VARCHAR NOT NULL, product_group VARCHAR NOT NULL,"
                        + " required_count INT NOT NULL, result_hresult INT NOT NULL, count_returned INT NOT NULL)");
                st.execute("CREATE INDEX request_history_host_time ON request_history (host_time)");
                recordVersion(1);
            }
            if (version < 2) {
                // What a watched genuine host logged (event 12290), append-only; one row per (record id, host time).
                st.execute("CREATE TABLE observed_request (seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                        + " record_id BIGINT NOT NULL, host_time TIMESTAMP(9) WITH TIME ZONE NOT NULL,"
                        + " host_name VARCHAR NOT NULL, result VARCHAR NOT NULL, required_count INT NOT NULL,"
                        + " client_name VARCHAR NOT NULL, cmid VARCHAR NOT NULL, client_time VARCHAR NOT NULL,"
                        + " license_state INT NOT NULL, minutes_to_expiry BIGINT NOT NULL, sku_id VARCHAR NOT NULL,"
                        + " CONSTRAINT observed_request_event UNIQUE (record_id, host_time))");
                st.execute("CREATE INDEX observed_request_host_time ON observed_request (host_time)");
                recordVersion(2);
            }
            // Later versions: add "if (version < 3) { ...; recordVersion(3); }" here.
        }
        connection.commit();
    }

    private void recordVersion(int version) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
            ps.setInt(1, version);
            ps.setObject(2, Instant.now());
            ps.executeUpdate();
        }
    }

    @Override
    public synchronized void apply(LedgerUpdate update) {
        checkOpen();
        try {
            if (durable) {
                // one transaction, then stored in the file before we return (see fileUrl for why CHECKPOINT)
                writeNow(update);
                connection.commit();
                checkpoint.execute();
            } else {
                queue(update);
                if (pendingHistory >= MEMORY_BATCH) {
                    flush();
                }
            }
        } catch (SQLException e) {
            rollbackQuietly();
            throw new LedgerException(
                    "the activation ledger " + description + " could not store the request of "
                            + update.history().machineName() + ": " + e.getMessage(),
                    e);
        }
    }

    private void writeNow(LedgerUpdate update) throws SQLException {
        String pool = update.poolId();
        for (UUID cmid : update.dropped()) {
            deleteEntry.setString(1, pool);
            deleteEntry.setObject(2, cmid);
            deleteEntry.executeUpdate();
        }
        if (update.registered().isPresent()) {
            bindEntry(update.registered().get());
            mergeEntry.executeUpdate();
        }
        if (update.highestThreshold().isPresent()) {
            mergePoolState.setString(1, pool);
            mergePoolState.setInt(2, update.highestThreshold().getAsInt());
            mergePoolState.executeUpdate();
        }
        bindHistory(update.history());
        insertHistory.executeUpdate();
    }

    private void queue(LedgerUpdate update) throws SQLException {
        String pool = update.poolId();
        for (UUID cmid : update.dropped()) {
            pendingEntries.put(new EntryKey(pool, cmid), Optional.empty());
        }
        update.registered().ifPresent(e -> pendingEntries.put(new EntryKey(pool, e.cmid()), Optional.of(e)));
        if (update.highestThreshold().isPresent()) {
            pendingThresholds.put(pool, update.highestThreshold().getAsInt());
        }
        bindHistory(update.history());
        insertHistory.addBatch();
        pendingHistory++;
    }

    /** Writes the in-memory mode's pending batch as one transaction. */
    private void flush() {
        if (pendingHistory == 0 && pendingEntries.isEmpty() && pendingThresholds.isEmpty()) {
            return;
        }
        try {
            boolean deletes = false;
            boolean merges = false;
            for (Map.Entry<EntryKey, Optional<PoolEntry>> change : pendingEntries.entrySet()) {
                if (change.getValue().isPresent()) {
                    bindEntry(change.getValue().get());
                    mergeEntry.addBatch();
                    merges = true;
                } else {
                    deleteEntry.setString(1, change.getKey().poolId());
                    deleteEntry.setObject(2, change.getKey().cmid());
                    deleteEntry.addBatch();
                    deletes = true;
                }
            }
            if (deletes) {
                deleteEntry.executeBatch();
            }
            if (merges) {
                mergeEntry.executeBatch();
            }
            for (Map.Entry<String, Integer> t : pendingThresholds.entrySet()) {
                mergePoolState.setString(1, t.getKey());
                mergePoolState.setInt(2, t.getValue());
                mergePoolState.addBatch();
            }
            if (!pendingThresholds.isEmpty()) {
                mergePoolState.executeBatch();
            }
            if (pendingHistory > 0) {
                insertHistory.executeBatch();
            }
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new LedgerException(
                    "the in-memory activation ledger could not write its batch: " + e.getMessage(), e);
        } finally {
            pendingEntries.clear();
            pendingThresholds.clear();
            pendingHistory = 0;
        }
    }

    private void bindEntry(PoolEntry e) throws SQLException {
        mergeEntry.setString(1, e.poolId());
        mergeEntry.setObject(2, e.cmid());
        mergeEntry.setString(3, e.machineName());
        mergeEntry.setObject(4, e.lastSeen());
    }

    private void bindHistory(HistoryRecord h) throws SQLException {
        insertHistory.setObject(1, h.hostTime());
        insertHistory.setObject(2, h.clientTime());
        insertHistory.setObject(3, h.cmid());
        insertHistory.setString(4, h.machineName());
        insertHistory.setString(5, h.familyId());
        insertHistory.setString(6, h.skuName());
        insertHistory.setString(7, h.poolId());
        insertHistory.setString(8, h.productGroup());
        insertHistory.setInt(9, h.requiredCount());
        insertHistory.setInt(10, h.result().code());
        insertHistory.setInt(11, h.count());
    }

    @Override
    public synchronized List<PoolEntry> storedEntries() {
        return read(
                "SELECT pool_id, cmid, machine_name, last_seen FROM pool_entry ORDER BY pool_id, last_seen",
                ps -> {},
                rs -> new PoolEntry(
                        rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getObject(4, Instant.class)),
                Integer.MAX_VALUE);
    }

    @Override
    public synchronized Map<String, Integer> storedHighestThresholds() {
        Map<String, Integer> thresholds = new LinkedHashMap<>();
        for (Object[] row : read(
                "SELECT pool_id, highest_threshold FROM pool_state ORDER BY pool_id",
                ps -> {},
                rs -> new Object[] {rs.getString(1), rs.getInt(2)},
                Integer.MAX_VALUE)) {
            thresholds.put((String) row[0], (Integer) row[1]);
        }
        return thresholds;
    }

    @Override
    public synchronized List<HistoryRecord> historyNewestFirst(long offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("history page: offset and limit must not be negative");
        }
        return read(
                HISTORY_COLUMNS + " ORDER BY seq DESC LIMIT ? OFFSET ?",
                ps -> {
                    ps.setInt(1, limit);
                    ps.setLong(2, offset);
                },
                H2ActivationLedger::history,
                limit);
    }

    @Override
    public synchronized List<HistoryRecord> historyBetween(Instant from, Instant to, int limit) {
        return read(
                HISTORY_COLUMNS + " WHERE host_time >= ? AND host_time < ? ORDER BY seq LIMIT ?",
                ps -> {
                    ps.setObject(1, from);
                    ps.setObject(2, to);
                    ps.setInt(3, limit);
                },
                H2ActivationLedger::history,
                limit);
    }

    @Override
    public synchronized long historySize() {
        return read("SELECT COUNT(*) FROM request_history", ps -> {}, rs -> rs.getLong(1), 1)
                .get(0);
    }

    @Override
    public synchronized int appendObserved(List<ObservedRequest> requests) {
        checkOpen();
        flush();
        // An event already held (same record id and host time) is skipped, never updated.
        String exists = "SELECT 1 FROM observed_request WHERE record_id = ? AND host_time = ?";
        String insert =
                "INSERT INTO observed_request (" + OBSERVED_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement check = connection.prepareStatement(exists);
                PreparedStatement ps = connection.prepareStatement(insert)) {
            int added = 0;
            for (ObservedRequest r : requests) {
                check.setLong(1, r.recordId());
                check.setObject(2, r.hostTime());
                try (ResultSet rs = check.executeQuery()) {
                    if (rs.next()) {
                        continue;
                    }
                }
                ps.setLong(1, r.recordId());
                ps.setObject(2, r.hostTime());
                ps.setString(3, r.hostName());
                ps.setString(4, r.result());
                ps.setInt(5, r.requiredCount());
                ps.setString(6, r.clientName());
                ps.setString(7, r.cmid());
                ps.setString(8, r.clientTime());
                ps.setInt(9, r.licenseState());
                ps.setLong(10, r.minutesToExpiry());
                ps.setString(11, r.skuId());
                added += ps.executeUpdate();
            }
            connection.commit();
            if (durable) {
                checkpoint.execute();
            }
            return added;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new LedgerException(
                    "the activation ledger " + description + " could not store " + requests.size()
                            + " observed requests: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public synchronized List<ObservedRequest> observedBetween(Instant from, Instant to, int limit) {
        return read(
                "SELECT " + OBSERVED_COLUMNS + " FROM observed_request WHERE host_time >= ? AND host_time < ?"
                        + " ORDER BY host_time, seq LIMIT ?",
                ps -> {
                    ps.setObject(1, from);
                    ps.setObject(2, to);
                    ps.setInt(3, limit);
                },
                H2ActivationLedger::observed,
                limit);
    }

    @Override
    public synchronized List<ClientSeen> clientsSince(Instant from) {
        return read(
                // The derived table has only latest and n, so the observed columns need no qualifier.
                "SELECT " + OBSERVED_COLUMNS + ", c.n FROM observed_request o JOIN"
                        + " (SELECT MAX(seq) AS latest, COUNT(*) AS n FROM observed_request WHERE host_time >= ?"
                        + " GROUP BY LOWER(client_name), LOWER(cmid)) c ON o.seq = c.latest ORDER BY o.host_time DESC, o.seq DESC",
                ps -> ps.setObject(1, from),
                rs -> new ClientSeen(observed(rs), rs.getInt(12)),
                1024);
    }

    @Override
    public synchronized List<CountedCmid> countedSince(Instant from) {
        // Grouped by result too: which results count is the host's rule (ObservedRequest.counted), read in Java.
        Map<List<Object>, CountedCmid> out = new LinkedHashMap<>();
        for (Object[] row : read(
                "SELECT LOWER(client_name), LOWER(cmid), LOWER(sku_id), required_count, result, MAX(host_time)"
                        + " FROM observed_request WHERE host_time >= ?"
                        + " GROUP BY LOWER(client_name), LOWER(cmid), LOWER(sku_id), required_count, result",
                ps -> ps.setObject(1, from),
                rs -> new Object[] {
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getInt(4),
                    rs.getString(5),
                    rs.getObject(6, Instant.class)
                },
                1024)) {
            if (!ObservedRequest.counted((String) row[4])) {
                continue;
            }
            CountedCmid c = new CountedCmid(
                    (String) row[0], (String) row[1], (String) row[2], (Integer) row[3], (Instant) row[5]);
            out.merge(
                    List.of(row[0], row[1], row[2], row[3]),
                    c,
                    (a, b) -> a.lastRequest().isAfter(b.lastRequest()) ? a : b);
        }
        return List.copyOf(out.values());
    }

    @Override
    public synchronized long observedCount() {
        return read("SELECT COUNT(*) FROM observed_request", ps -> {}, rs -> rs.getLong(1), 1)
                .get(0);
    }

    /** The row at {@code rs} whose first columns are {@link #OBSERVED_COLUMNS}. */
    private static ObservedRequest observed(ResultSet rs) throws SQLException {
        return new ObservedRequest(
                rs.getLong(1),
                rs.getObject(2, Instant.class),
                rs.getString(3),
                rs.getString(4),
                rs.getInt(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getInt(9),
                rs.getLong(10),
                rs.getString(11));
    }

    private static HistoryRecord history(ResultSet rs) throws SQLException {
        return new HistoryRecord(
                rs.getLong(1),
                rs.getObject(2, Instant.class),
                rs.getObject(3, Instant.class),
                rs.getObject(4, UUID.class),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getInt(10),
                HResult.of(rs.getInt(11)),
                rs.getInt(12));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> read(String sql, Binder binder, RowMapper<T> mapper, int expected) {
        checkOpen();
        flush();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            binder.bind(ps);
            List<T> rows = new ArrayList<>(Math.min(expected, 1024));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            connection.commit();
            return rows;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new LedgerException(
                    "the activation ledger " + description + " could not be read: " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new LedgerException("the activation ledger " + description + " is closed");
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is the one to report
        }
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // already failing to open
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            try {
                connection.close();
            } catch (SQLException e) {
                throw new LedgerException("the activation ledger " + description + " did not close cleanly", e);
            }
        }
    }
}
