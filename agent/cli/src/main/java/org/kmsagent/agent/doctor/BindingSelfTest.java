package org.kmsagent.agent.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.kmsagent.agent.licensing.slc.SlIdType;
import org.kmsagent.agent.licensing.slc.SlLicensingStatus;
import org.kmsagent.agent.licensing.slc.SlValue;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.licensing.slc.SlcSession;
import org.kmsagent.agent.licensing.win32.LinkErrors;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;

/**
 * {@code kms-agent doctor --self-test}: exercises every SLC binding read-only (open, list SKUs, read SKU, key,
 * status, application and service values, close) on each licensing service, with a pass/fail line per call.
 * Nothing is written. A service whose library is absent (no OSPP without Office 2010/2013 on Windows 7) is
 * skipped, not failed.
 */
public final class BindingSelfTest {
    /** The application ids each service is asked about (docs/kms-rules.md §8.1). */
    private static final List<UUID> SPP_APPS = List.of(
            UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f"),
            UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663"));

    private static final List<UUID> OSPP_APPS = List.of(
            UUID.fromString("59a52881-a989-479d-af46-f275c6370663"),
            UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663"));

    private final Function<LicensingService, SlcClient> clients;

    public BindingSelfTest(Function<LicensingService, SlcClient> clients) {
        this.clients = clients;
    }

    /** Runs every step on both services. */
    public List<SelfTestStep> run() {
        List<SelfTestStep> steps = new ArrayList<>();
        for (LicensingService service : LicensingService.values()) {
            run(service, service == LicensingService.SPP ? SPP_APPS : OSPP_APPS, steps);
        }
        return steps;
    }

    /** Whether every step passed or was skipped. */
    public static boolean passed(List<SelfTestStep> steps) {
        return steps.stream().noneMatch(s -> s.outcome() == SelfTestStep.Outcome.FAIL);
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws LicensingException;
    }

    private void run(LicensingService service, List<UUID> apps, List<SelfTestStep> steps) {
        String lib = service.clientLibrary();
        SlcClient client;
        try {
            client = clients.apply(service);
        } catch (UnsatisfiedLinkError e) {
            SelfTestStep.Outcome o =
                    service == LicensingService.OSPP ? SelfTestStep.Outcome.SKIP : SelfTestStep.Outcome.FAIL;
            steps.add(new SelfTestStep(lib, "load " + lib, o, "library not loadable: " + LinkErrors.summary(e)));
            return;
        }
        steps.add(new SelfTestStep(lib, "load " + lib, SelfTestStep.Outcome.PASS, "loaded"));
        Optional<SlcSession> opened = step(steps, lib, "SLOpen", client::open, s -> "handle open");
        if (opened.isEmpty()) {
            return;
        }
        SlcSession s = opened.get();
        try {
            UUID keyedSku = null;
            UUID anySku = null;
            UUID pkey = null;
            for (UUID app : apps) {
                List<UUID> skus = step(
                                steps,
                                lib,
                                "SLGetSLIDList(app->sku)",
                                () -> s.skuIds(app),
                                l -> l.size() + " SKU(s) of application " + app)
                        .orElse(List.of());
                for (UUID sku : skus) {
                    anySku = anySku == null ? sku : anySku;
                    if (keyedSku == null) {
                        List<UUID> keys =
                                quiet(() -> s.installedProductKeyIds(sku)).orElse(List.of());
                        if (!keys.isEmpty()) {
                            keyedSku = sku;
                            pkey = keys.get(0);
                        }
                    }
                }
                step(
                        steps,
                        lib,
                        "SLGetApplicationInformation",
                        () -> optional(() -> s.applicationInformation(app, "IsKeyManagementService")),
                        v -> "IsKeyManagementService = "
                                + v.map(Object::toString).orElse("(absent)"));
            }
            UUID sku = keyedSku != null ? keyedSku : anySku;
            if (sku == null) {
                steps.add(new SelfTestStep(
                        lib, "SKU reads", SelfTestStep.Outcome.SKIP, "no SKU installed in this store"));
            } else {
                UUID theSku = sku;
                step(
                        steps,
                        lib,
                        "SLGetProductSkuInformation",
                        () -> s.skuInformation(theSku, "Name"),
                        v -> "Name = " + v);
                step(
                        steps,
                        lib,
                        "SLGetSLIDList(sku->pkey)",
                        () -> s.idList(SlIdType.PRODUCT_SKU, theSku, SlIdType.PKEY),
                        l -> l.size() + " key id(s)");
                step(
                        steps,
                        lib,
                        "SLGetInstalledProductKeyIds",
                        () -> quietNotInstalled(() -> s.installedProductKeyIds(theSku)),
                        l -> l.size() + " key id(s)");
                step(
                        steps,
                        lib,
                        "SLGetLicensingStatusInformation",
                        () -> s.licensingStatus(null, theSku),
                        l -> l.stream().map(BindingSelfTest::describe).toList().toString());
                step(
                        steps,
                        lib,
                        "SLGetGenuineInformation",
                        () -> optional(() -> s.genuineInformation(theSku, "SL_LAST_ACT_ATTEMPT_HRESULT")),
                        v -> "SL_LAST_ACT_ATTEMPT_HRESULT = "
                                + v.map(x -> x instanceof SlValue.Dword d
                                                ? HResult.of(d.value()).toString()
                                                : x.toString())
                                        .orElse("(absent)"));
            }
            if (pkey != null) {
                UUID theKey = pkey;
                step(
                        steps,
                        lib,
                        "SLGetPKeyInformation",
                        () -> s.pkeyInformation(theKey, "Channel"),
                        v -> "Channel = " + v);
            } else {
                steps.add(new SelfTestStep(
                        lib, "SLGetPKeyInformation", SelfTestStep.Outcome.SKIP, "no product key installed"));
            }
            step(
                    steps,
                    lib,
                    "SLGetServiceInformation",
                    () -> optional(() -> s.serviceInformation("Version")),
                    v -> "Version = " + v.map(Object::toString).orElse("(absent)"));
        } finally {
            step(
                    steps,
                    lib,
                    "SLClose",
                    () -> {
                        s.close();
                        return "closed";
                    },
                    c -> c);
        }
    }

    private static String describe(SlLicensingStatus r) {
        return "status " + r.status() + ", " + r.graceMinutes() + " min, reason "
                + HResult.of(r.reason()).hex();
    }

    private static Optional<SlValue> optional(SlcSession.ValueRead read) throws LicensingException {
        return SlcSession.ifPresent(read);
    }

    private static List<UUID> quietNotInstalled(Step<List<UUID>> body) throws LicensingException {
        try {
            return body.run();
        } catch (LicensingException e) {
            if (e.hresult().code() == HResult.SL_E_PKEY_NOT_INSTALLED.code()) {
                return List.of();
            }
            throw e;
        }
    }

    private static <T> Optional<T> quiet(Step<T> body) {
        try {
            return Optional.of(body.run());
        } catch (LicensingException e) {
            return Optional.empty();
        }
    }

    private static <T> Optional<T> step(
            List<SelfTestStep> steps, String lib, String call, Step<T> body, Function<T, String> describe) {
        try {
            T value = body.run();
            steps.add(new SelfTestStep(lib, call, SelfTestStep.Outcome.PASS, describe.apply(value)));
            return Optional.of(value);
        } catch (LicensingException | RuntimeException | UnsatisfiedLinkError e) {
            steps.add(new SelfTestStep(
                    lib,
                    call,
                    SelfTestStep.Outcome.FAIL,
                    e instanceof UnsatisfiedLinkError u ? LinkErrors.summary(u) : e.getMessage()));
            return Optional.empty();
        }
    }
}
