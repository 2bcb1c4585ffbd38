package org.kmsagent.agent.renewal;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginFailure;
import org.kmsagent.agent.renewal.Diagnosis.Cause;
import org.kmsagent.agent.renewal.RenewalEvent.Kind;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KeyChannel;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.ProductFamily;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.SkuCatalog;
import org.kmsagent.api.WindowsVersion;

/**
 * The schedule Windows follows for one installed product on one machine (kms-facts.md §2.3), driven through the
 * product family's activation handler only ({@link LoadedFamily#call}); it never looks at which family it serves.
 *
 * <ul>
 *   <li>Not activated: try at once, then every activation interval, in grace and after it (notification).
 *   <li>Activated: renew every renewal interval; each success restarts the 180 days (the licensing stack keeps
 *       that clock). A failed renewal keeps the old validity and retries every activation interval (§2.1, 2 h by
 *       default).
 *   <li>The intervals are the ones the stack reports, i.e. the host's once one answered (§2.1).
 *   <li>180 days without renewal: the loop reports the lapse at that exact moment, and the end of each grace.
 *   <li>Optional MAK fallback ({@link MakFallbackPolicy}).
 * </ul>
 *
 * <p>One timer is pending per loop at any time: the earlier of the next attempt and the next license-state
 * boundary. Runs on the scheduler's thread; handler calls may block, so a live loop runs on a worker context.
 */
public final class RenewalLoop implements Runnable {
  private static final HResult PLUGIN_FAILED = HResult.of(0x80004005);

  private final Scheduler scheduler;
  private final LoadedFamily family;
  private final LicensingStack stack;
  private final UUID skuId;
  private String skuName;
  private final MakFallbackPolicy makPolicy;
  private final RenewalListener listener;
  // Per-SKU facts resolved once (not per event): the family and pool ids the events carry, and whether the
  // handler's status/activate/renew are the API's defaults (then no plugin code runs in them, and the loop calls
  // the licensing stack directly instead of through LoadedFamily.call and its class-loader switch).
  private final String familyId;
  private final String poolId;
  private final HandlerShape shape;
  private final ActivationHandler handler;
  private final Sku sku;

  private InstalledProduct product;
  private LicenseStatus lastStatus;
  private long nextAttemptMillis;
  private long countRefusedSinceMillis = -1;
  private boolean makTried;
  private boolean finished;
  private Scheduler.Timer timer;
  private int attempts;

  public RenewalLoop(Scheduler scheduler, LoadedFamily family, LicensingStack stack, UUID skuId,
      MakFallbackPolicy makPolicy, RenewalListener listener) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.family = Objects.requireNonNull(family, "family");
    this.stack = Objects.requireNonNull(stack, "stack");
    this.skuId = Objects.requireNonNull(skuId, "skuId");
    this.makPolicy = Objects.requireNonNull(makPolicy, "makPolicy");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.sku = family.catalog().bySkuId(skuId).orElse(null);
    this.skuName = sku != null ? sku.name() : skuId.toString();
    this.familyId = family.id();
    this.poolId = family.countPool().id();
    this.handler = handlerOf(family);
    this.shape = HandlerShape.of(handler);
  }

  /**
   * Which of the handler's per-attempt methods are the {@link ActivationHandler} defaults, looked up once per handler
   * class. A default method only forwards to the licensing stack, so calling the stack directly is the same call
   * without entering plugin code.
   */
  private record HandlerShape(boolean defaultStatus, boolean defaultActivate, boolean defaultRenew,
      boolean defaultSetUp) {
    private static final HandlerShape PLUGIN_CODE = new HandlerShape(false, false, false, false);
    private static final ClassValue<HandlerShape> BY_CLASS = new ClassValue<>() {
      @Override
      protected HandlerShape computeValue(Class<?> type) {
        boolean status = isDefault(type, "status");
        boolean activate = isDefault(type, "activate");
        boolean setUp = isDefault(type, "findInstalled", LicensingStack.class, ProductFamily.class, SkuCatalog.class)
            && isDefault(type, "installGvlk", LicensingStack.class, InstalledProduct.class, SkuCatalog.class)
            && isDefault(type, "installKey", LicensingStack.class, InstalledProduct.class, ProductKey.class);
        return new HandlerShape(status, activate, activate && isDefault(type, "renew"), setUp);
      }
    };

    static HandlerShape of(ActivationHandler h) {
      return h == null ? PLUGIN_CODE : BY_CLASS.get(h.getClass());
    }

    private static boolean isDefault(Class<?> type, String method) {
      return isDefault(type, method, LicensingStack.class, InstalledProduct.class);
    }

    private static boolean isDefault(Class<?> type, String method, Class<?>... parameters) {
      try {
        return type.getMethod(method, parameters).getDeclaringClass() == ActivationHandler.class;
      } catch (NoSuchMethodException | SecurityException e) {
        return false;
      }
    }
  }

  /** Starts the loop: the first attempt is due now. */
  public void start() {
    nextAttemptMillis = scheduler.nowMillis();
    timer = scheduler.schedule(scheduler.now(), this);
  }

  /**
   * Starts the loop where a stored schedule left it (a restarted agent): the product is looked up and watched at
   * once, but its next activation or renewal attempt is at {@code nextAttempt}, not now. A time already past is due
   * at once, as a missed attempt would be.
   */
  public void resume(Instant nextAttempt) {
    Objects.requireNonNull(nextAttempt, "nextAttempt");
    nextAttemptMillis = nextAttempt.toEpochMilli();
    timer = scheduler.schedule(scheduler.now(), this);
  }

  /**
   * Attempts now (an administrator's "activate now"), whatever the schedule said, then schedules from the result as
   * any attempt does. Call on the scheduler's thread.
   *
   * @return whether an attempt was made (false when the loop has finished)
   */
  public boolean attemptNow() {
    if (finished) {
      return false;
    }
    if (timer != null) {
      scheduler.cancel(timer);
      timer = null;
    }
    int before = attempts;
    nextAttemptMillis = scheduler.nowMillis();
    run();
    return attempts > before;
  }

  /** When the next activation or renewal attempt is due (meaningful once started). */
  public Instant nextAttempt() {
    return Instant.ofEpochMilli(nextAttemptMillis);
  }

  /** The installed product the loop drives, once it has found it (null before its first run or if missing). */
  public InstalledProduct product() {
    return product;
  }

  /** The SKU id the loop drives. */
  public UUID skuId() {
    return skuId;
  }

  /** Stops the loop (the machine left); no attempt runs after this. */
  public void stop() {
    if (finished) {
      return;
    }
    finished = true;
    if (timer != null) {
      scheduler.cancel(timer);
      timer = null;
    }
    emit(Kind.STOPPED, Optional.empty(), ActivationResult.of(HResult.S_OK), Optional.empty());
  }

  /** How many activation or renewal attempts the loop has made. */
  public int attempts() {
    return attempts;
  }

  /** Whether the loop has nothing more to do (stopped, or activated permanently by MAK). */
  public boolean finished() {
    return finished;
  }

  @Override
  public void run() {
    timer = null;
    if (finished) {
      return;
    }
    long now = scheduler.nowMillis();
    if (product == null && !setUp()) {
      return;
    }
    LicenseState state = state();
    if (state == null) {
      return;
    }
    reportTransition(state.status());
    boolean attempted = false;
    boolean succeeded = false;
    if (now >= nextAttemptMillis) {
      attempted = true;
      succeeded = attempt(state.status() == LicenseStatus.LICENSED);
      if (finished) {
        return;
      }
      state = state();
      if (state == null) {
        return;
      }
      lastStatus = state.status();
      // A success schedules the renewal; any failure (a failed renewal included) retries at the activation
      // interval (kms-facts.md §2.1 "failed renewal retry every 2 h").
      nextAttemptMillis = now + (succeeded ? state.renewalInterval() : state.activationInterval()).toMillis();
    }
    scheduleNext(now, state);
  }

  private boolean setUp() {
    try {
      product = shape.defaultSetUp() ? setUpDirect() : family.call((f, h) -> {
        List<InstalledProduct> installed = h.findInstalled(stack, f, family.catalog());
        InstalledProduct p = installed.stream().filter(i -> i.skuId().equals(skuId)).findFirst().orElse(null);
        if (p != null && p.channel() != KeyChannel.VOLUME_MAK && h.installGvlk(stack, p, family.catalog())) {
          emit(Kind.GVLK_INSTALLED, Optional.empty(), ActivationResult.of(HResult.S_OK), Optional.empty());
          p = refind(h, f);
        }
        return p;
      });
    } catch (LicensingException | PluginFailure e) {
      failAndFinish(e);
      return false;
    }
    if (product == null) {
      failAndFinish(new LicensingException(HResult.SL_E_SKU_NOT_FOUND, skuName + " is not installed"));
      return false;
    }
    // The name the licensing service reports: editions that share a SKU id (Windows 11 reuses Windows 10's,
    // kms-facts.md §4) are told apart by it.
    skuName = product.name();
    return true;
  }

  /**
   * What {@link #setUp} asks of the handler when its findInstalled, installGvlk and installKey are the API's
   * defaults, done here against the SKU resolved at construction instead of scanning the catalog per call: find the
   * product, and install its GVLK unless it holds it already (or a MAK). The one plugin call left, which licensing
   * service holds the family, is made once per handler and Windows version.
   */
  private InstalledProduct setUpDirect() throws LicensingException {
    if (sku == null) {
      return null; // not in the family's catalog: the default findInstalled finds nothing either
    }
    LicensingService service = serviceOf(family, stack.windowsVersion());
    InstalledProduct p = direct(() -> findDirect(service));
    if (p != null && p.channel() != KeyChannel.VOLUME_MAK) {
      ProductKey gvlk = sku.gvlk();
      boolean holdsIt = p.channel() == KeyChannel.VOLUME_GVLK
          && p.partialProductKey().filter(gvlk.lastFive()::equals).isPresent();
      if (!holdsIt) {
        InstalledProduct target = p;
        direct(() -> {
          stack.installProductKey(target.service(), gvlk);
          return null;
        });
        emit(Kind.GVLK_INSTALLED, Optional.empty(), ActivationResult.of(HResult.S_OK), Optional.empty());
        p = direct(() -> findDirect(service));
      }
    }
    return p;
  }

  private InstalledProduct findDirect(LicensingService service) throws LicensingException {
    for (InstalledProduct i : stack.installedProducts(service, family.applicationId())) {
      if (i.skuId().equals(skuId)) {
        return i;
      }
    }
    return null;
  }

  // Which licensing service holds a family on a Windows version is a fact of the family: asked of each handler once
  // per version (weak keys: a plugin unloaded takes its entries with it; the values are API enums).
  private static final Map<ActivationHandler, Map<WindowsVersion, LicensingService>> SERVICES =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** The family's handler, or null when the plugin fails to give one (then every call goes through call()). */
  private static ActivationHandler handlerOf(LoadedFamily family) {
    try {
      return family.call((f, h) -> h);
    } catch (LicensingException | PluginFailure e) {
      return null; // LoadedFamily.call reports the plugin's failure on the loop's first call
    }
  }

  private LicensingService serviceOf(LoadedFamily family, WindowsVersion windows) throws LicensingException {
    Map<WindowsVersion, LicensingService> known = SERVICES.computeIfAbsent(handler,
        h -> new java.util.concurrent.ConcurrentHashMap<>());
    LicensingService service = known.get(windows);
    if (service == null) {
      service = family.call((f, h) -> h.licensingService(windows));
      if (service != null) { // a null answer is passed on as the default findInstalled would, not remembered
        known.put(windows, service);
      }
    }
    return service;
  }

  private InstalledProduct refind(org.kmsagent.api.ActivationHandler h, org.kmsagent.api.ProductFamily f)
      throws LicensingException {
    return h.findInstalled(stack, f, family.catalog()).stream().filter(i -> i.skuId().equals(skuId)).findFirst()
        .orElse(null);
  }

  private LicenseState state() {
    try {
      if (shape.defaultStatus()) {
        return direct(() -> stack.licenseState(product.service(), product.skuId()));
      }
      return family.call((f, h) -> h.status(stack, product));
    } catch (LicensingException | PluginFailure e) {
      failAndFinish(e);
      return null;
    }
  }

  /** A licensing-stack call made without {@link LoadedFamily#call}. */
  @FunctionalInterface
  private interface StackCall<T> {
    T call() throws LicensingException;
  }

  /**
   * Runs a stack call the way {@link LoadedFamily#call} would have run the handler's default method around it: a
   * {@link LicensingException} passes, anything else thrown becomes a {@link PluginFailure} of the family, so the
   * loop fails the same way whichever path it took.
   */
  private <T> T direct(StackCall<T> call) throws LicensingException {
    try {
      return call.call();
    } catch (RuntimeException | LinkageError e) {
      throw new PluginFailure(familyId, e);
    }
  }

  /** Reports the lapse of an activation (§2.3) and the end of a grace period (§2.2) when the clock crosses them. */
  private void reportTransition(LicenseStatus status) {
    if (lastStatus != null && status != lastStatus) {
      if (lastStatus == LicenseStatus.LICENSED && status != LicenseStatus.LICENSED) {
        emit(Kind.EXPIRED, Optional.of(status == LicenseStatus.NOTIFICATION
            ? HResult.SL_E_GRACE_TIME_EXPIRED : HResult.SL_I_OOT_GRACE_PERIOD), ActivationResult.of(HResult.S_OK),
            Optional.empty());
      }
      if (status == LicenseStatus.NOTIFICATION) {
        emit(Kind.GRACE_EXPIRED, Optional.of(HResult.SL_E_GRACE_TIME_EXPIRED), ActivationResult.of(HResult.S_OK),
            Optional.empty());
      }
    }
    lastStatus = status;
  }

  private boolean attempt(boolean licensed) {
    attempts++;
    ActivationResult r;
    try {
      if (licensed ? shape.defaultRenew() : shape.defaultActivate()) {
        r = direct(() -> stack.activate(product.service(), product.skuId())); // what the defaults do
      } else {
        r = family.call((f, h) -> licensed ? h.renew(stack, product) : h.activate(stack, product));
      }
    } catch (LicensingException e) {
      r = ActivationResult.of(e.hresult());
    } catch (PluginFailure e) {
      emit(licensed ? Kind.RENEWAL_FAILED : Kind.ACTIVATION_FAILED, Optional.of(PLUGIN_FAILED),
          ActivationResult.of(PLUGIN_FAILED), Optional.of(Diagnosis.of(Cause.PLUGIN_FAILED, e.getMessage())));
      return false;
    }
    if (r.activated()) {
      countRefusedSinceMillis = -1;
      emit(licensed ? Kind.RENEWED : Kind.ACTIVATED, Optional.of(r.hresult()), r, Optional.empty());
      return true;
    }
    Diagnosis d = diagnose(r);
    emit(licensed ? Kind.RENEWAL_FAILED : Kind.ACTIVATION_FAILED, Optional.of(r.hresult()), r, Optional.of(d));
    long now = scheduler.nowMillis();
    if (d.cause() == Cause.COUNT_BELOW_THRESHOLD && countRefusedSinceMillis < 0) {
      countRefusedSinceMillis = now;
    }
    if (!licensed && makPolicy.enabled() && !makTried && countRefusedSinceMillis >= 0
        && now - countRefusedSinceMillis >= makPolicy.after().toMillis()) {
      return fallBackToMak();
    }
    return false;
  }

  /** Installs the administrator's MAK and activates it online; on failure goes back to the GVLK and KMS. */
  private boolean fallBackToMak() {
    makTried = true;
    ActivationResult r;
    try {
      r = family.call((f, h) -> {
        h.installKey(stack, product, makPolicy.mak().orElseThrow());
        product = refind(h, f);
        return h.activate(stack, product);
      });
    } catch (LicensingException e) {
      r = ActivationResult.of(e.hresult());
    } catch (PluginFailure e) {
      emit(Kind.MAK_FAILED, Optional.of(PLUGIN_FAILED), ActivationResult.of(PLUGIN_FAILED),
          Optional.of(Diagnosis.of(Cause.PLUGIN_FAILED, e.getMessage())));
      return false;
    }
    if (r.activated()) {
      emit(Kind.MAK_ACTIVATED, Optional.of(r.hresult()), r, Optional.empty());
      // A MAK activation is permanent: nothing left to renew.
      finished = true;
      lastStatus = LicenseStatus.LICENSED;
      return true;
    }
    emit(Kind.MAK_FAILED, Optional.of(r.hresult()), r, Optional.of(diagnose(r)));
    try {
      family.call((f, h) -> {
        h.installGvlk(stack, product, family.catalog());
        product = refind(h, f);
        return null;
      });
    } catch (LicensingException | PluginFailure e) {
      failAndFinish(e);
    }
    return false;
  }

  private Diagnosis diagnose(ActivationResult r) {
    if (stack instanceof DiagnosableStack d) {
      Optional<Diagnosis> known = d.lastDiagnosis(skuId);
      if (known.isPresent()) {
        return known.get();
      }
    }
    return Diagnosis.fromResult(r);
  }

  private void scheduleNext(long now, LicenseState state) {
    long wake = nextAttemptMillis;
    long boundary = -1;
    if (state.status() == LicenseStatus.LICENSED && state.validUntil().isPresent()) {
      boundary = state.validUntil().get().toEpochMilli();
    } else if (state.status().isGrace()) {
      boundary = now + state.graceRemaining().toMillis();
    } else if (state.status() == LicenseStatus.LICENSED) {
      return; // permanently licensed (MAK): nothing to renew
    }
    if (boundary > now && boundary < wake) {
      wake = boundary;
    }
    timer = scheduler.schedule(Instant.ofEpochMilli(wake), this);
  }

  private void failAndFinish(Exception e) {
    HResult h = e instanceof LicensingException le ? le.hresult() : PLUGIN_FAILED;
    Cause c = e instanceof LicensingException ? Diagnosis.fromResult(ActivationResult.of(h)).cause()
        : Cause.PLUGIN_FAILED;
    emit(Kind.ACTIVATION_FAILED, Optional.of(h), ActivationResult.of(h), Optional.of(Diagnosis.of(c,
        e.getMessage())));
    finished = true;
  }

  private void emit(Kind kind, Optional<HResult> h, ActivationResult r, Optional<Diagnosis> d) {
    OptionalInt required = r.requiredCount();
    if (required.isEmpty() && d.isPresent()) {
      required = d.get().required();
    }
    listener.onEvent(new RenewalEvent(scheduler.now(), stack.machineName(), familyId, skuName, kind, h, poolId,
        r.reportedCount(), required, r.kmsHost(), d));
  }
}
