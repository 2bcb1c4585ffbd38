package org.kmsagent.agent.live;

import com.google.inject.Guice;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.kmsagent.agent.bus.AgentControl;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.bus.view.PluginView;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.core.PluginHostModule;
import org.kmsagent.agent.core.Installation;
import org.kmsagent.agent.daemon.AgentState;
import org.kmsagent.agent.daemon.DaemonBanner;
import org.kmsagent.agent.daemon.DaemonContext;
import org.kmsagent.agent.daemon.DamagedFiles;
import org.kmsagent.agent.daemon.ProductSchedule;
import org.kmsagent.agent.daemon.StateStore;
import org.kmsagent.agent.daemon.StoredMachine;
import org.kmsagent.agent.host.H2ActivationLedger;
import org.kmsagent.agent.host.LedgerException;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.licensing.DeadlineStack;
import org.kmsagent.agent.renewal.Faults;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.licensing.simulated.FaultyStack;
import org.kmsagent.agent.config.SimulatedFaultsConfig;
import org.kmsagent.agent.licensing.slc.WindowsMachine;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.licensing.wmi.WmiLicensingWriter;
import org.kmsagent.agent.plugin.FamilyRegistry;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginFailure;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.plugin.PluginProblem;
import org.kmsagent.agent.renewal.MakFallbackPolicy;
import org.kmsagent.agent.renewal.RenewalEvent;
import org.kmsagent.agent.renewal.RenewalLoop;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.agent.runtime.VertxScheduler;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.ProductKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's real binding of the control API: the plugin host over {@code pluginsDir}, the licensing stack
 * {@code licensing} selects (SLC on Windows; otherwise a {@link SimulatedSite} standing for this computer), the
 * optional KMS host role over the durable ledger in the data directory, and one {@link RenewalLoop} per installed
 * product of every loaded family, on Vert.x timers.
 *
 * <p><b>Threading.</b> Everything that touches the licensing stack, the loops or the plugin host runs on one worker
 * context of its own (a dedicated thread, so licensing calls may block): timers fire there, and the control methods,
 * called on the bus API's worker threads, hand their work to it and wait. So the loops, the simulated machine (not
 * thread-safe) and administrator actions never interleave.
 *
 * <p><b>Persistence.</b> After every loop run and every change, each product's schedule (next attempt, validity,
 * last result) and, for the simulated stack, the machine's licensing store are saved through {@link StateStore}
 * (atomic write). At start a product with a stored schedule is resumed ({@link RenewalLoop#resume}): its first
 * attempt is at the stored time, not at once. Schedules of products not found (a plugin not loaded) are kept.
 *
 * <p><b>Events.</b> Every renewal-loop event is published as type {@value #RENEWAL} with the shape the fleet link
 * reads ({@code kind, family, product, time, hresult, diagnosis{cause, detail}}), and every change of a product's
 * view as {@code state-changed}.
 */
public final class LiveAgent implements AgentControl, DaemonBanner, AutoCloseable {
  /** Event type of renewal-loop events on {@code kmsagent.events}. */
  public static final String RENEWAL = EventPublisher.RENEWAL;

  private static final Logger LOG = LoggerFactory.getLogger(LiveAgent.class);
  private static final long WAIT_SECONDS = 120;

  private final Vertx vertx;
  private final AgentConfig config;
  private final EventPublisher events;
  private final StateStore store;
  private final Clock clock;
  private final Path dataDir;
  private final List<String> banner = new ArrayList<>();

  private MachineThread machine;
  private Scheduler scheduler;
  private PluginHost plugins;
  private LicensingStacks.Choice choice;
  private DeadlineStack deadlines;
  private final Map<String, Integer> familyRetries = new HashMap<>();
  private Instant startedAt;
  private FaultyStack faulty;
  private SimulatedSite site;
  private HostRole hostRole;
  private WatchedHost watchedHost;
  private HostSettingsView hostSettings;
  private AgentState state;
  private AgentState saved;
  private final Map<String, Tracked> tracked = new LinkedHashMap<>();
  private final Map<String, ProductView> published = new HashMap<>();
  private volatile boolean closed;
  private boolean stopping;

  /** One product's loop and what the agent remembers of it. */
  private static final class Tracked {
    final LoadedFamily family;
    final UUID skuId;
    /** The edition's name as the licensing service reports it (editions may share a SKU id, docs/kms-rules.md §4). */
    final String name;
    RenewalLoop loop;
    RenewalEvent lastAttempt;
    Instant lastAttemptAt;
    Instant graceEnd;

    Tracked(LoadedFamily family, UUID skuId, String name) {
      this.family = family;
      this.skuId = skuId;
      this.name = name;
    }
  }

  private LiveAgent(DaemonContext context) {
    this.vertx = context.vertx();
    this.config = context.config();
    this.events = context.events();
    this.store = context.state();
    this.clock = context.clock();
    this.dataDir = context.dataDir();
  }

  /**
   * Starts everything and waits until the plugins are loaded and every loop is started. Call from a non-Vert.x
   * thread.
   *
   * @throws Exception it could not start; what had started is stopped
   */
  public static LiveAgent start(DaemonContext context) throws Exception {
    LiveAgent agent = new LiveAgent(context);
    try {
      agent.startComponents();
      return agent;
    } catch (Exception e) {
      agent.close();
      throw e;
    }
  }

  private void startComponents() throws Exception {
    machine = MachineThread.deploy(vertx, "kmsagent-machine", WAIT_SECONDS);
    Scheduler live = new VertxScheduler(vertx, clock, machine.context());
    scheduler = new PersistingScheduler(live);
    startedAt = scheduler.now();
    onMachine(() -> {
      startOnMachine();
      return null;
    });
  }

  private void startOnMachine() throws Exception {
    try {
      state = store.load();
    } catch (IOException e) {
      banner.add("kms-agent: " + e.getMessage());
      LOG.error("{}", e.getMessage());
      state = AgentState.empty();
    }
    saved = state;
    var h = config.host();
    HostSettingsView configured = new HostSettingsView(h.activationIntervalMinutes(), h.renewalIntervalMinutes(), h.port(),
        h.publishDns());
    hostSettings = configured;
    AgentState.StoredHostSettings changed = state.hostSettings();
    if (changed != null && configured.equals(changed.configured())) {
      hostSettings = changed.set();
      banner.add("kms-agent: host settings as last set through ctl: " + hostSettings);
    } else if (changed != null) {
      // The configuration was edited since the settings were set through ctl: the file wins.
      state = state.withHostSettings(null);
    }
    LicensingStacks stacks = new LicensingStacks(LiveAgent::slcStack, this::simulatedStack,
        System.getProperty("os.name", "unknown"));
    choice = stacks.select(config.licensing().id());
    banner.add("kms-agent: " + choice.statusLine());
    LicensingStack raw = choice.stack();
    if (site != null && config.simulated().faults().enabled()) {
      faulty = faultyStack(raw, config.simulated().faults());
      raw = faulty;
      banner.add("kms-agent: simulated.faults: " + faulty.plan());
    }
    // Every licensing call gets a deadline: a call that never returns is abandoned on its own thread and the
    // machine thread carries on (docs/troubleshooting.md, "How the agent treats licensing failures").
    deadlines = new DeadlineStack(raw, Duration.ofSeconds(config.renewal().callDeadlineSeconds()),
        Duration.ofSeconds(config.renewal().activationDeadlineSeconds()), scheduler::now);
    deadlines.onTimeout(this::recordTimeouts);
    choice = new LicensingStacks.Choice(deadlines, choice.mode(), choice.reason());
    if (site != null) {
      banner.add("kms-agent: " + site + " stands for this computer; editions from simulated.editions: "
          + config.simulated().editions());
    }
    if (h.enabled() && h.mode() == org.kmsagent.agent.config.HostMode.WATCH) {
      watchedHost = watch(dataDir.resolve("ledger"));
    } else if (h.enabled()) {
      Path ledgerFile = dataDir.resolve("ledger");
      H2ActivationLedger ledger = openLedger(ledgerFile);
      if (ledger != null) {
        hostRole = new HostRole(choice.stack().machineName(), ledger, h.hostKeys(), h.licensePacks(),
            toModel(hostSettings));
        banner.add("kms-agent: KMS host role on: the host model " + hostRole.name() + " over the ledger "
            + ledgerFile + ".mv.db (in-process only; nothing listens on port " + h.port() + ")");
      }
    } else {
      if (h.mode() == org.kmsagent.agent.config.HostMode.WATCH) {
        banner.add("kms-agent: host.mode: watch has no effect while host.enabled is false");
      }
      banner.add("kms-agent: KMS host role off (host.enabled=false)"
          + (site != null ? "; the simulated machine has no reachable KMS host" : ""));
    }
    if (config.renewal().makFallback() != org.kmsagent.agent.config.MakFallback.NEVER
        || config.renewal().families().values().stream().anyMatch(f -> f != null && f.makFallback() != null
            && f.makFallback() != org.kmsagent.agent.config.MakFallback.NEVER)) {
      // The configuration has no key for a MAK yet, and the agent never installs a MAK it was not given.
      banner.add("kms-agent: renewal.makFallback: no MAK can be configured in this build; the fallback stays off");
    }
    Path dir = pluginsDirectory();
    plugins = Guice.createInjector(new PluginHostModule(dir, org.kmsagent.agent.plugin.PluginSignatures.configured(
        config.plugins().trustStore(), config.plugins().trustStorePassword()))).getInstance(PluginHost.class);
    plugins.registry().onChange(this::reconcile);
    plugins.rescan();
    if (plugins.registry().families().isEmpty()) {
      // The listener ran for none: still announce the host's keys and persist the empty schedule.
      reconcile(plugins.registry());
    }
    List<String> ids = plugins.registry().families().stream().map(LoadedFamily::id).toList();
    banner.add("kms-agent: plugins from " + plugins.directory() + ": " + ids.size() + " loaded " + ids
        + (plugins.problems().isEmpty() ? "" : ", " + plugins.problems().size() + " failed"));
    banner.add("kms-agent: " + plugins.signatures().describe());
    for (PluginProblem p : plugins.problems()) {
      banner.add("kms-agent: plugin not loaded: " + p.message());
    }
    if (site != null) {
      for (String e : site.unknownEditions(plugins.registry().families())) {
        banner.add("kms-agent: simulated.editions: no loaded family has the edition '" + e + "'; skipped");
      }
    }
    for (String line : config.renewal().unknownFamilies(java.util.Set.copyOf(ids))) {
      banner.add("kms-agent: " + line + "; the override applies to nothing");
    }
    if (hostRole != null && !hostRole.unknownKeys().isEmpty()) {
      banner.add("kms-agent: host.hostKeys: no loaded family declares " + hostRole.unknownKeys() + "; ignored");
    }
    for (Tracked t : tracked.values()) {
      ProductSchedule s = state.products().get(key(t));
      banner.add("kms-agent: renewal " + t.family.id() + " " + name(t) + ": "
          + (s != null && s.nextDue() != null ? "resumed, next attempt " + s.nextDue() : "first attempt now"));
    }
  }

  private Path pluginsDirectory() {
    Path p = Path.of(config.pluginsDir());
    // The default "plugins" means plugins/ beside the installation, not beside the working directory.
    if (!p.isAbsolute() && config.pluginsDir().equals("plugins") && !Files.isDirectory(p)) {
      return Installation.defaultPluginsDirectory();
    }
    return p.toAbsolutePath();
  }

  /** host.mode: watch - follows the genuine host on this machine; nothing is modelled, nothing listens. */
  private WatchedHost watch(Path ledgerFile) {
    H2ActivationLedger ledger = H2ActivationLedger.openFile(ledgerFile);
    org.kmsagent.agent.licensing.eventlog.KmsEventWatcher watcher = null;
    String error = null;
    String library = System.getProperty("kmsagent.eventlog.library", "wevtapi");
    try {
      watcher = new org.kmsagent.agent.licensing.eventlog.KmsEventWatcher(
          org.kmsagent.agent.licensing.eventlog.WevtapiChannel.forLibrary(library), ledger,
          dataDir.resolve("kms-eventlog.bookmark"), 100);
    } catch (UnsatisfiedLinkError e) {
      error = "the Windows Event Log API (" + library + ") cannot be loaded here: " + e.getMessage();
    }
    SlcLicensingStack slc = choice.stack() instanceof SlcLicensingStack s ? s : null;
    WatchedHost w = new WatchedHost(choice.stack().machineName(), ledger, watcher, error, slc,
        org.kmsagent.agent.licensing.kmshost.GenuineHostServiceReader.forLibrary(
            System.getProperty("kmsagent.registry.library", "advapi32"), slc), scheduler, events);
    w.start();
    banner.add("kms-agent: KMS host role on, watching the genuine host " + w.name() + ": its '"
        + org.kmsagent.agent.licensing.eventlog.KmsEventWatcher.CHANNEL + "' log into the ledger " + ledgerFile
        + ".mv.db every " + WatchedHost.POLL.toMinutes() + " min" + (error == null ? "" : " - but " + error)
        + (slc == null ? "; no service counters off Windows' licensing service" : ""));
    return w;
  }

  private static LicensingStack slcStack() {
    return new SlcLicensingStack(SlcClient::forService, new WmiLicensingWriter(), WindowsMachine.name(),
        WindowsMachine.version());
  }

  private FaultyStack faultyStack(LicensingStack machineStack, SimulatedFaultsConfig f) {
    Set<FaultyStack.Kind> kinds = java.util.EnumSet.noneOf(FaultyStack.Kind.class);
    f.kinds().forEach(k -> kinds.add(FaultyStack.Kind.parse(k).orElseThrow()));
    Optional<Instant> from = f.startAfterSeconds() > 0
        ? Optional.of(scheduler.now().plusSeconds(f.startAfterSeconds())) : Optional.empty();
    return new FaultyStack(machineStack, new FaultyStack.Plan(f.rate(), f.hangRate(), kinds, Optional.empty(), from),
        new java.util.SplittableRandom(f.seed()), scheduler::now, FaultyStack.HangMode.BLOCK,
        Duration.ofSeconds(f.hangSeconds()));
  }

  @Override
  public Optional<org.kmsagent.agent.bus.view.LicensingCallsView> licensingCallTimeouts() {
    DeadlineStack d = deadlines;
    return d == null ? Optional.empty()
        : Optional.of(org.kmsagent.agent.bus.view.LicensingCallsView.of(d.timeouts()));
  }

  /** Keeps the counts where {@code kms-agent doctor} reads them; a failure to write is logged, never thrown. */
  private void recordTimeouts(org.kmsagent.agent.licensing.CallTimeouts t) {
    try {
      org.kmsagent.agent.licensing.CallTimeoutsFile.write(dataDir, t);
    } catch (java.io.IOException e) {
      LOG.warn("cannot record the licensing-call timeouts in {}: {}", dataDir, e.getMessage());
    }
  }

  /** What the licensing-call deadlines caught since start (for status and doctor). */
  public String licensingCalls() {
    return deadlines == null ? "licensing calls: not started" : deadlines.describe();
  }

  private LicensingStack simulatedStack() {
    site = SimulatedSite.create(scheduler, config.simulated(), Optional.ofNullable(state.machine()));
    return site.machine();
  }

  // ---- families come and go ----

  /** Brings the loops in line with the registry: loops for admitted families, none for removed ones. */
  private void reconcile(FamilyRegistry registry) {
    if (stopping) {
      return; // the plugins are closing at shutdown: the loops are already stopped and their state saved
    }
    if (!onMachineThread()) {
      onMachine(() -> {
        reconcile(registry);
        return null;
      });
      return;
    }
    List<LoadedFamily> families = registry.families();
    Set<String> ids = new java.util.HashSet<>(families.stream().map(LoadedFamily::id).toList());
    for (var it = tracked.entrySet().iterator(); it.hasNext(); ) {
      Tracked t = it.next().getValue();
      if (!ids.contains(t.family.id()) || registry.family(t.family.id()).orElse(null) != t.family) {
        t.loop.stop();
        it.remove();
        LOG.info("renewal of {} {} stopped: its plugin was unloaded", t.family.id(), t.skuId);
      }
    }
    if (hostRole != null) {
      hostRole.families(families);
      if (site != null) {
        attachHost();
      }
    }
    for (LoadedFamily f : families) {
      if (tracked.values().stream().noneMatch(t -> t.family == f)) {
        startFamily(f);
      }
    }
    persist();
  }

  /**
   * Opens the host role's ledger. A damaged file (garbage, truncated, torn beyond H2's own recovery) is moved aside
   * ({@link DamagedFiles}) and a new, empty ledger made in its place: the pool refills as clients renew. When even
   * that fails, or the file is in use by another process or written by a newer version (not damage: left alone),
   * the host role stays off for this run and the banner says why; the renewal of this machine's own products is
   * not affected. Returns null when the host role is off.
   */
  private H2ActivationLedger openLedger(Path ledgerFile) {
    Path file = ledgerFile.resolveSibling(ledgerFile.getFileName() + ".mv.db");
    try {
      return H2ActivationLedger.openFile(ledgerFile);
    } catch (LedgerException e) {
      String why = firstLine(e.getMessage());
      if (!Files.isRegularFile(file) || !isDamage(e)) {
        banner.add("kms-agent: KMS host role disabled: " + why);
        return null;
      }
      Path aside;
      try {
        aside = DamagedFiles.moveAside(file, clock);
      } catch (java.io.IOException io) {
        banner.add("kms-agent: KMS host role disabled: the ledger " + file + " is damaged (" + why
            + ") and cannot be moved aside: " + io.getMessage());
        return null;
      }
      banner.add("kms-agent: the ledger " + file + " was damaged (" + why + "); moved to " + aside
          + "; the host role starts with an empty ledger");
      try {
        return H2ActivationLedger.openFile(ledgerFile);
      } catch (LedgerException again) {
        banner.add("kms-agent: KMS host role disabled: a new ledger cannot be made either: "
            + firstLine(again.getMessage()));
        return null;
      }
    }
  }

  /** Whether opening the ledger failed for what is in the file, not because another process holds it. */
  private static boolean isDamage(LedgerException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("has schema version")) {
      return false; // a newer agent's ledger: not ours to move
    }
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof java.sql.SQLException sql && sql.getErrorCode() == 90020) {
        return false; // DATABASE_ALREADY_OPEN: another process has it open
      }
    }
    return true;
  }

  private static String firstLine(String text) {
    return String.valueOf(text).lines().findFirst().orElse("").replaceAll(" \\[[0-9-]+]$", "");
  }

  private void attachHost() {
    LedgerKmsHost model = hostRole.model();
    site.attachHost(hostRole, hostSettings.port(), hostSettings.publishDns(), model.config().hostKeys(),
        model.config().licensePacks());
  }

  private void startFamily(LoadedFamily f) {
    List<InstalledProduct> installed;
    try {
      if (site != null) {
        site.install(f);
      }
      installed = f.findInstalled(choice.stack());
      String kms = config.renewal().kmsFor(f.id());
      if (!kms.isEmpty()) {
        KmsEndpoint endpoint = KmsEndpoint.parse(kms);
        for (InstalledProduct p : installed) {
          f.call((ext, h) -> {
            h.pointAt(choice.stack(), p, endpoint);
            return null;
          });
        }
      }
    } catch (LicensingException | PluginFailure e) {
      retryFamily(f, e);
      return;
    }
    familyRetries.remove(f.id());
    for (InstalledProduct p : installed) {
      Tracked t = new Tracked(f, p.skuId(), p.name());
      // docs/kms-rules.md §2.3: each product follows its own schedule; the MAK fallback needs a MAK the administrator
      // gave, which this build has no key for yet, so it stays off.
      t.loop = new RenewalLoop(scheduler, f, choice.stack(), p.skuId(), MakFallbackPolicy.OFF, e -> onEvent(t, e));
      tracked.put(key(t), t);
      ProductSchedule stored = state.products().get(key(t));
      if (stored != null && stored.nextDue() != null) {
        t.lastAttemptAt = stored.lastAttempt();
        t.loop.resume(stored.nextDue());
      } else {
        t.loop.start();
      }
    }
  }

  /**
   * The family's products could not be read: asked again later, as the renewal loop would (soon for a transient
   * failure, at the activation interval otherwise), so a licensing service restarting at boot loses no product.
   */
  private void retryFamily(LoadedFamily f, Exception e) {
    int n = familyRetries.merge(f.id(), 1, Integer::sum);
    boolean transientFault = e instanceof LicensingException le
        && Faults.classify(le, Duration.between(startedAt, scheduler.now()).compareTo(Faults.STARTUP_WINDOW) < 0)
            == Faults.FaultClass.TRANSIENT;
    Duration wait = transientFault ? Faults.backoff(n, KmsRules.ACTIVATION_INTERVAL) : KmsRules.ACTIVATION_INTERVAL;
    LOG.warn("family {}: its installed products could not be read ({}); trying again in {} min", f.id(),
        e.getMessage(), wait.toMinutes());
    scheduler.scheduleAfter(wait, () -> {
      if (stopping || plugins.registry().family(f.id()).orElse(null) != f
          || tracked.values().stream().anyMatch(t -> t.family == f)) {
        return; // unloaded, replaced or started meanwhile
      }
      startFamily(f);
    });
  }

  private void onEvent(Tracked t, RenewalEvent e) {
    if (e.kind() == RenewalEvent.Kind.STOPPED) {
      return;
    }
    if (e.hresult().isPresent() && isAttempt(e.kind())) {
      t.lastAttempt = e;
      t.lastAttemptAt = e.time();
    }
    events.publish(RENEWAL, renewalJson(e));
    if (e.kind() == RenewalEvent.Kind.CALL_TIMED_OUT) {
      LOG.warn("{} {}: a licensing call did not return in time and was abandoned; {}", e.family(), e.sku(),
          licensingCalls());
    }
    String detail = e.diagnosis().map(d -> " (" + e.hresult().map(HResult::hex).orElse("") + " " + d + ")")
        .orElse("");
    if (isFailure(e.kind())) {
      LOG.warn("{} {}: {}{}", e.family(), e.sku(), e.kind(), detail);
    } else {
      LOG.info("{} {}: {}{}", e.family(), e.sku(), e.kind(), detail);
    }
  }

  /** A failed attempt or call, or a lapse: logged at WARN so that a quiet log ({@code logging.level: WARN}) shows it. */
  static boolean isFailure(RenewalEvent.Kind k) {
    return switch (k) {
      case ACTIVATION_FAILED, RENEWAL_FAILED, MAK_FAILED, CALL_FAILED, CALL_TIMED_OUT, EXPIRED, GRACE_EXPIRED -> true;
      default -> false;
    };
  }

  private static boolean isAttempt(RenewalEvent.Kind k) {
    return switch (k) {
      case ACTIVATED, ACTIVATION_FAILED, RENEWED, RENEWAL_FAILED, MAK_ACTIVATED, MAK_FAILED, CALL_TIMED_OUT -> true;
      default -> false;
    };
  }

  private static boolean succeeded(RenewalEvent.Kind k) {
    return k == RenewalEvent.Kind.ACTIVATED || k == RenewalEvent.Kind.RENEWED || k == RenewalEvent.Kind.MAK_ACTIVATED;
  }

  /** A renewal event as the fleet link and {@code ctl watch} read it (docs/event-bus.md, docs/fleet.md). */
  static JsonObject renewalJson(RenewalEvent e) {
    JsonObject j = new JsonObject()
        .put("kind", e.kind().name())
        .put("family", e.family())
        .put("product", e.sku())
        .put("machine", e.machine())
        .put("time", e.time().toString())
        .put("hresult", e.hresult().map(LiveAgent::hresultText).orElse(null))
        .put("pool", e.pool())
        .put("count", e.count().isPresent() ? e.count().getAsInt() : null)
        .put("required", e.required().isPresent() ? e.required().getAsInt() : null)
        .put("host", e.host().orElse(null));
    // "why" repeats the diagnosis as one line, for readers that show only flat fields (ctl watch's text).
    e.diagnosis().ifPresent(d -> j.put("why", d.toString()).put("diagnosis", new JsonObject()
        .put("cause", d.cause().name()).put("detail", d.detail()).put("summary", d.toString())));
    return j;
  }

  private static String hresultText(HResult h) {
    return h.hex() + (h.isKnown() ? " " + h.name() : "");
  }

  // ---- persistence ----

  /** Saves the schedules and the simulated machine when they changed, and publishes changed product views. */
  private void persist() {
    if (state == null) {
      return;
    }
    AgentState next = state;
    for (Tracked t : tracked.values()) {
      if (t.loop.product() == null) {
        continue; // not looked up yet (its first run is pending) or not installed: keep what is stored
      }
      Optional<LicenseState> ls = licenseState(t);
      Instant validUntil = ls.flatMap(LicenseState::validUntil).orElse(null);
      String last = t.lastAttempt != null ? resultText(t.lastAttempt)
          : Optional.ofNullable(state.products().get(key(t))).map(ProductSchedule::lastResult).orElse(null);
      next = next.with(key(t), new ProductSchedule(t.loop.nextAttempt(), validUntil, t.lastAttemptAt, last));
    }
    if (site != null) {
      next = next.withMachine(site.store());
    }
    if (!sameContent(next, saved)) {
      try {
        saved = store.save(next);
        next = saved;
      } catch (IOException e) {
        LOG.error("the renewal schedule could not be saved to {}: {}", store.file(), e.toString());
      }
    }
    state = next;
    for (ProductView v : productViews()) {
      String k = v.family() + "/" + v.skuId();
      if (!v.equals(published.put(k, v))) {
        events.publish(EventPublisher.STATE_CHANGED, v);
      }
    }
  }

  private static boolean sameContent(AgentState a, AgentState b) {
    return b != null && a.products().equals(b.products()) && Objects.equals(a.machine(), b.machine())
        && Objects.equals(a.hostSettings(), b.hostSettings());
  }

  private Optional<LicenseState> licenseState(Tracked t) {
    InstalledProduct p = t.loop.product();
    if (p == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(t.family.call((f, h) -> h.status(choice.stack(), p)));
    } catch (LicensingException | PluginFailure e) {
      return Optional.empty();
    }
  }

  private static String resultText(RenewalEvent e) {
    String h = e.hresult().map(LiveAgent::hresultText).orElse("");
    return succeeded(e.kind()) ? h + " ok" : h + e.diagnosis().map(d -> " " + d).orElse("");
  }

  /** The scheduler the loops see: every task runs on the machine context, and its outcome is persisted. */
  private final class PersistingScheduler implements Scheduler {
    private final Scheduler live;

    PersistingScheduler(Scheduler live) {
      this.live = live;
    }

    @Override
    public Instant now() {
      return live.now();
    }

    @Override
    public Timer schedule(Instant at, Runnable task) {
      return live.schedule(at, () -> {
        if (closed) {
          return;
        }
        task.run();
        persist();
      });
    }

    @Override
    public boolean cancel(Timer timer) {
      return live.cancel(timer);
    }
  }

  // ---- the control API ----

  @Override
  public List<ProductView> products() {
    return onMachine(this::productViews);
  }

  @Override
  public List<String> clientMachineIds() {
    // The simulated machine's CMID (stored with it, so a copied data directory is a clone). Reading Windows' own
    // CMID (SoftwareLicensingService.ClientMachineID) is not wired yet: the real stack reports none.
    return onMachine(() -> site != null ? List.of(site.machine().cmid().toString()) : List.<String>of());
  }

  private List<ProductView> productViews() {
    List<ProductView> out = new ArrayList<>();
    Instant now = scheduler.now();
    Map<String, List<InstalledProduct>> installed = new HashMap<>();
    for (Tracked t : tracked.values()) {
      InstalledProduct p = installed.computeIfAbsent(t.family.id(), id -> find(t.family)).stream()
          .filter(i -> i.skuId().equals(t.skuId)).findFirst().orElse(t.loop.product());
      ProductSchedule s = state.products().get(key(t));
      Optional<LicenseState> ls = Optional.empty();
      if (p != null) {
        try {
          ls = Optional.of(t.family.call((f, h) -> h.status(choice.stack(), p)));
        } catch (LicensingException | PluginFailure e) {
          ls = Optional.empty();
        }
      }
      Instant validUntil = ls.flatMap(x -> x.validUntil().isPresent() ? x.validUntil()
          : x.status().isGrace() ? Optional.of(graceEnd(t, now.plus(x.graceRemaining()))) : Optional.empty())
          .orElse(null);
      out.add(new ProductView(t.family.id(), p != null ? p.name() : name(t), t.skuId.toString(),
          p == null ? null : p.partialProductKey().orElse(null),
          ls.map(x -> x.status().name()).orElse("UNKNOWN"),
          ls.map(x -> x.kmsEndpoint().toString()).orElse(null),
          validUntil,
          t.loop.finished() ? null : t.loop.nextAttempt(),
          t.lastAttempt != null ? resultText(t.lastAttempt) : s == null ? null : s.lastResult()));
    }
    return out;
  }

  /**
   * The end of a grace period, which the licensing service reports only as time remaining: kept from one reading to
   * the next while it agrees within a few seconds, so that reading the status twice shows the same instant.
   */
  private static Instant graceEnd(Tracked t, Instant computed) {
    if (t.graceEnd == null || Duration.between(t.graceEnd, computed).abs().compareTo(Duration.ofSeconds(5)) > 0) {
      t.graceEnd = computed.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }
    return t.graceEnd;
  }

  private List<InstalledProduct> find(LoadedFamily f) {
    try {
      return f.findInstalled(choice.stack());
    } catch (LicensingException | PluginFailure e) {
      return List.of();
    }
  }

  @Override
  public Optional<org.kmsagent.agent.host.GenuineHostView> watchedHost() {
    return onMachine(() -> watchedHost == null ? Optional.<org.kmsagent.agent.host.GenuineHostView>empty()
        : Optional.of(watchedHost.view(scheduler.now())));
  }

  @Override
  public HostView host() {
    return onMachine(() -> {
      if (hostRole == null) {
        return new HostView(false, List.of(), List.of());
      }
      return hostRole.view(plugins.registry().families(), scheduler.now());
    });
  }

  @Override
  public List<ActionResult> activate(Optional<String> family) {
    return onMachine(() -> {
      List<LoadedFamily> chosen = select(family);
      List<ActionResult> out = new ArrayList<>();
      for (Tracked t : List.copyOf(tracked.values())) {
        if (!chosen.contains(t.family)) {
          continue;
        }
        t.lastAttempt = null;
        boolean tried = t.loop.attemptNow();
        RenewalEvent e = t.lastAttempt;
        if (!tried || e == null) {
          out.add(new ActionResult(t.family.id(), name(t), false, null,
              "not attempted: the renewal loop has stopped (see the agent's log)"));
        } else {
          out.add(new ActionResult(t.family.id(), e.sku(), succeeded(e.kind()),
              e.hresult().map(HResult::hex).orElse(null),
              e.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                  + e.diagnosis().map(d -> ": " + d).orElse("")));
        }
      }
      persist();
      return out;
    });
  }

  @Override
  public List<ActionResult> installGvlk(Optional<String> family, Optional<ProductKey> key) {
    return onMachine(() -> {
      List<LoadedFamily> chosen = select(family);
      List<ActionResult> out = new ArrayList<>();
      for (LoadedFamily f : chosen) {
        for (InstalledProduct p : find(f)) {
          try {
            String message = f.call((ext, h) -> {
              if (key.isPresent()) {
                h.installKey(choice.stack(), p, key.get());
                return "installed " + key.get();
              }
              return h.installGvlk(choice.stack(), p, f.catalog())
                  ? "installed " + f.catalog().bySkuId(p.skuId()).map(s -> s.gvlk().toString()).orElse("the GVLK")
                  : "the GVLK is already installed";
            });
            out.add(new ActionResult(f.id(), p.name(), true, HResult.S_OK.hex(), message));
          } catch (LicensingException e) {
            out.add(new ActionResult(f.id(), p.name(), false, e.hresult().hex(), e.getMessage()));
          } catch (PluginFailure e) {
            out.add(new ActionResult(f.id(), p.name(), false, null, "the family's plugin failed: "
                + e.getMessage()));
          }
          if (key.isPresent()) {
            break; // the licensing service installs one key once; it finds the edition itself
          }
        }
      }
      persist();
      return out;
    });
  }

  @Override
  public KmsEndpoint setKms(Optional<String> family, KmsEndpoint endpoint) {
    return onMachine(() -> {
      pointAll(select(family), endpoint);
      return endpoint;
    });
  }

  @Override
  public void clearKms(Optional<String> family) {
    onMachine(() -> {
      // slmgr /ckms: the product goes back to finding its host through DNS (docs/kms-rules.md §2.5).
      pointAll(select(family), KmsEndpoint.discovery());
      return null;
    });
  }

  private void pointAll(List<LoadedFamily> families, KmsEndpoint endpoint) throws LicensingException {
    for (LoadedFamily f : families) {
      for (InstalledProduct p : find(f)) {
        try {
          f.call((ext, h) -> {
            h.pointAt(choice.stack(), p, endpoint);
            return null;
          });
        } catch (PluginFailure e) {
          throw new ControlException(BusCodes.INTERNAL, "family " + f.id() + ": " + e.getMessage());
        }
      }
    }
    persist();
  }

  @Override
  public HostSettingsView hostSettings() {
    return onMachine(() -> hostSettings);
  }

  @Override
  public HostSettingsView updateHostSettings(HostSettingsView settings) {
    return onMachine(() -> {
      var h = config.host();
      HostSettingsView configured = new HostSettingsView(h.activationIntervalMinutes(), h.renewalIntervalMinutes(),
          h.port(), h.publishDns());
      AgentState next = state.withHostSettings(settings.equals(configured) ? null
          : new AgentState.StoredHostSettings(configured, settings));
      try {
        saved = store.save(next);
        state = saved;
      } catch (IOException e) {
        // Refused as a whole: the settings in force stay as they were.
        LOG.error("host settings could not be saved to {}: {}", store.file(), e.toString());
        throw new ControlException(BusCodes.INTERNAL, "the settings could not be stored; nothing was changed");
      }
      hostSettings = settings;
      if (hostRole != null) {
        hostRole.settings(toModel(settings));
        if (site != null) {
          attachHost();
        }
      }
      return settings;
    });
  }

  private static org.kmsagent.agent.host.HostSettings toModel(HostSettingsView s) {
    return org.kmsagent.agent.host.HostSettings.ofMinutes(s.activationIntervalMinutes(), s.renewalIntervalMinutes(),
        s.port(), s.publishDns());
  }

  @Override
  public List<PluginView> plugins() {
    return onMachine(this::pluginViews);
  }

  private List<PluginView> pluginViews() {
    List<PluginView> out = new ArrayList<>();
    for (LoadedFamily f : plugins.registry().families()) {
      out.add(new PluginView(f.pluginId(), f.pluginVersion(), "STARTED", List.of(f.id()), null));
    }
    for (PluginProblem p : plugins.problems()) {
      out.add(new PluginView(p.pluginId().orElse(p.jar().getFileName().toString()), null, "FAILED", List.of(),
          p.message()));
    }
    return out;
  }

  @Override
  public PluginView loadPlugin(Path requested) {
    return onMachine(() -> {
      Path jar = inPluginsDirectory(plugins.directory(), requested);
      if (!Files.isRegularFile(jar)) {
        throw ControlException.notFound("no such plugin jar: " + jar);
      }
      Optional<LoadedFamily> f = plugins.load(jar);
      if (f.isEmpty()) {
        Path abs = jar.toAbsolutePath().normalize();
        String why = plugins.problems().stream().filter(p -> p.jar().equals(abs)).map(PluginProblem::message)
            .findFirst().orElse("not loaded");
        throw ControlException.conflict(why);
      }
      return new PluginView(f.get().pluginId(), f.get().pluginVersion(), "STARTED", List.of(f.get().id()), null);
    });
  }

  /**
   * The jar a load request names, which must be a file directly in the plugins directory: a relative name is taken
   * there, an absolute path elsewhere is refused (403), so an admin token cannot make the agent run code from any
   * file it can read (a download folder, a share).
   */
  static Path inPluginsDirectory(Path directory, Path jar) {
    Path dir = directory.toAbsolutePath().normalize();
    Path path = (jar.isAbsolute() ? jar : dir.resolve(jar)).normalize();
    if (!dir.equals(path.getParent())) {
      throw new org.kmsagent.agent.bus.ControlException(org.kmsagent.agent.bus.BusCodes.FORBIDDEN, "path: "
          + org.kmsagent.agent.core.BoundedInput.shown(jar.toString()) + " is not in the plugins directory " + dir
          + "; copy the jar there, then load it by name or run 'plugins rescan'");
    }
    return path;
  }

  @Override
  public void unloadPlugin(String pluginId) {
    onMachine(() -> {
      if (!plugins.unload(pluginId)) {
        throw ControlException.notFound("no loaded plugin " + pluginId);
      }
      return null;
    });
  }

  @Override
  public List<PluginView> rescanPlugins() {
    return onMachine(() -> {
      plugins.rescan();
      return pluginViews();
    });
  }

  private List<LoadedFamily> select(Optional<String> family) {
    if (family.isEmpty()) {
      return plugins.registry().families();
    }
    return List.of(plugins.registry().family(family.get())
        .orElseThrow(() -> ControlException.notFound("no loaded family " + family.get())));
  }

  private static String key(Tracked t) {
    return AgentState.key(t.family.id(), t.skuId.toString());
  }

  private static String name(Tracked t) {
    return t.name;
  }

  // ---- the machine context ----

  private boolean onMachineThread() {
    return machine != null && machine.isCurrent();
  }

  /** Runs {@code body} on the machine context and waits, mapping failures to what the control API reports. */
  private <T> T onMachine(MachineThread.Call<T> body) {
    try {
      return onMachineUnchecked(body);
    } catch (ControlException | IllegalArgumentException e) {
      throw e;
    } catch (LicensingException e) {
      throw new ControlException(BusCodes.CONFLICT, e.getMessage());
    } catch (RuntimeException e) {
      throw e;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ControlException(BusCodes.TIMEOUT, "the agent did not finish within " + WAIT_SECONDS + " s");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T onMachineUnchecked(MachineThread.Call<T> body) throws Exception {
    if (closed) {
      throw new ControlException(BusCodes.UNAVAILABLE, "the agent is stopping");
    }
    return machine.call(body, WAIT_SECONDS);
  }

  @Override
  public List<String> banner() {
    return List.copyOf(banner);
  }

  /** Stops the loops (their state saved), the plugins and the host ledger. Idempotent. */
  @Override
  public void close() {
    if (closed || machine == null) {
      closed = true;
      return;
    }
    if (faulty != null) {
      faulty.release(); // injected hangs end now rather than hold a thread through shutdown
    }
    try {
      onMachineUnchecked(() -> {
        persist();
        stopping = true;
        for (Tracked t : tracked.values()) {
          t.loop.stop();
        }
        tracked.clear();
        closed = true;
        if (plugins != null) {
          plugins.close();
        }
        if (hostRole != null) {
          hostRole.close();
        }
        if (watchedHost != null) {
          watchedHost.close();
        }
        return null;
      });
    } catch (Exception e) {
      LOG.warn("shutdown: the renewal loops or the host ledger did not stop cleanly", e);
    } finally {
      closed = true;
      if (deadlines != null) {
        deadlines.close();
      }
      try {
        machine.close();
      } catch (Exception e) {
        LOG.debug("machine context at shutdown: {}", e.toString());
      }
    }
  }
}
