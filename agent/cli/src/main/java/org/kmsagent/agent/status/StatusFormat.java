package org.kmsagent.agent.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.licensing.LicenseDetails;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicenseStatus;

/**
 * Renders a {@link StatusReport} as the text an administrator knows from {@code slmgr /dlv}, or as JSON with the
 * same fields (documented in docs/windows.md, "What `kms-agent status` shows").
 */
public final class StatusFormat {
    /** Made at the first JSON report: the text one, what most runs print, needs no object mapper. */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        private Mapper() {}
    }

    private StatusFormat() {}

    /** The report as JSON. */
    public static String json(StatusReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("stack", report.stack());
        root.put("stackReason", report.stackReason());
        root.put("machine", report.machine());
        root.put("windowsVersion", report.windows().toString());
        List<Object> families = new ArrayList<>();
        for (FamilyStatus f : report.families()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("family", f.familyId());
            fm.put("displayName", f.displayName());
            f.error().ifPresent(e -> fm.put("error", e));
            List<Object> products = new ArrayList<>();
            for (ProductStatus p : f.products()) {
                products.add(product(p));
            }
            fm.put("products", products);
            families.add(fm);
        }
        root.put("families", families);
        try {
            return Mapper.JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status JSON", e);
        }
    }

    private static Map<String, Object> product(ProductStatus ps) {
        InstalledProduct p = ps.product();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("edition", p.name());
        m.put("description", p.description());
        m.put("activationId", p.skuId().toString());
        m.put("licensingService", p.service().name());
        m.put("partialProductKey", p.partialProductKey().orElse(null));
        m.put("channel", p.channel().slcName());
        ps.error().ifPresent(e -> m.put("error", e));
        ps.state().ifPresent(s -> {
            m.put("licenseStatus", s.status().label());
            m.put("licenseStatusCode", s.status().wmiCode());
            // Both keys always, the one that does not apply null: slmgr shows one line or the other.
            boolean licensed = s.status() == LicenseStatus.LICENSED;
            m.put("validityRemainingMinutes", licensed ? s.graceRemaining().toMinutes() : null);
            m.put("graceRemainingMinutes", licensed ? null : s.graceRemaining().toMinutes());
            m.put("statusReason", hresult(s.reason()));
            m.put("validUntil", s.validUntil().map(Object::toString).orElse(null));
            m.put("kmsSetting", endpoint(s.kmsEndpoint()));
            m.put("kmsHostInUse", s.kmsHostInUse().orElse(null));
            m.put("activationIntervalMinutes", s.activationInterval().toMinutes());
            m.put("renewalIntervalMinutes", s.renewalInterval().toMinutes());
            m.put(
                    "lastActivationResult",
                    s.lastResult().map(StatusFormat::result).orElse(null));
        });
        ps.details().ifPresent(d -> {
            m.put("clientMachineId", d.clientMachineId().orElse(null));
            m.put(
                    "applicationId",
                    d.applicationId()
                            .map(Object::toString)
                            .orElse(p.applicationId().toString()));
            m.put("extendedPid", d.extendedPid().orElse(null));
            m.put("kmsHostCaching", d.kmsHostCaching().orElse(null));
            m.put("kmsHostLastUsed", d.kmsHostUsed().orElse(null));
            m.put(
                    "kmsPortLastUsed",
                    d.kmsPortUsed().isPresent() ? d.kmsPortUsed().getAsInt() : null);
            m.put("trustedTime", d.trustedTime().map(Object::toString).orElse(null));
            m.put(
                    "remainingRearmCount",
                    d.remainingRearmCount().isPresent()
                            ? d.remainingRearmCount().getAsInt()
                            : null);
        });
        return m;
    }

    private static Map<String, Object> endpoint(KmsEndpoint e) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (e instanceof KmsEndpoint.Pinned p) {
            m.put("mode", "pinned");
            m.put("host", p.host());
            m.put("port", p.port());
        } else if (e instanceof KmsEndpoint.Discovery d) {
            m.put("mode", "dns-discovery");
            m.put("lookupDomain", d.lookupDomain().orElse(null));
        }
        return m;
    }

    private static Map<String, Object> hresult(HResult h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", h.hex());
        m.put("name", h.name());
        m.put("meaning", h.meaning());
        return m;
    }

    private static Map<String, Object> result(ActivationResult r) {
        Map<String, Object> m = hresult(r.hresult());
        m.put("activated", r.activated());
        m.put("kmsHost", r.kmsHost().orElse(null));
        return m;
    }

    /** The report as {@code slmgr /dlv}-style text. */
    public static String text(StatusReport report) {
        return text(report, Optional.empty());
    }

    /**
     * The report as {@code slmgr /dlv}-style text; with no family loaded, it names {@code pluginsDirectory} (where
     * known) and what to put there.
     */
    public static String text(StatusReport report, Optional<Path> pluginsDirectory) {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ")
                .append(report.machine())
                .append(" (Windows ")
                .append(report.windows())
                .append(")\n");
        b.append("Licensing stack: ")
                .append(report.stack())
                .append(" - ")
                .append(report.stackReason())
                .append('\n');
        if (report.families().isEmpty()) {
            b.append(pluginsDirectory
                    .map(d -> "No product family is loaded from " + d
                            + ": no product was read; copy the family plugins there (docs/plugin-guide.md).\n")
                    .orElse("No product family is loaded.\n"));
        }
        for (FamilyStatus f : report.families()) {
            b.append('\n')
                    .append('[')
                    .append(f.familyId())
                    .append("] ")
                    .append(f.displayName())
                    .append('\n');
            if (f.error().isPresent()) {
                b.append("  Error: ").append(f.error().get()).append('\n');
                continue;
            }
            if (f.products().isEmpty()) {
                b.append("  No installed product of this family.\n");
            }
            for (ProductStatus ps : f.products()) {
                InstalledProduct p = ps.product();
                line(b, "Name", p.name());
                line(b, "Description", p.description());
                line(b, "Activation ID", p.skuId().toString());
                line(b, "Licensing service", p.service().displayName());
                line(b, "Partial Product Key", p.partialProductKey().orElse("(none)"));
                line(b, "Product Key Channel", p.channel().slcName());
                if (ps.error().isPresent()) {
                    line(b, "Error", ps.error().get());
                }
                ps.state().ifPresent(s -> state(b, s));
                ps.details().ifPresent(d -> details(b, p, d));
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static void state(StringBuilder b, LicenseState s) {
        line(b, "License Status", s.status().label());
        String remaining = minutes(s.graceRemaining());
        if (s.status() == LicenseStatus.LICENSED) {
            line(b, "Volume activation expiration", s.graceRemaining().isZero() ? "none (permanent)" : remaining);
        } else if (s.status().isGrace()) {
            line(b, "Time remaining", remaining);
        }
        if (s.status() != LicenseStatus.LICENSED || !s.reason().succeeded()) {
            line(b, "Status reason", describe(s.reason()));
        }
        s.validUntil().ifPresent(v -> line(b, "Valid until", v.toString()));
        line(
                b,
                "KMS machine",
                s.kmsEndpoint() instanceof KmsEndpoint.Pinned p ? p + " (set)" : s.kmsEndpoint() + " (no host set)");
        line(b, "KMS host in use", s.kmsHostInUse().orElse("(none yet)"));
        line(b, "Activation interval", s.activationInterval().toMinutes() + " minutes");
        line(b, "Renewal interval", s.renewalInterval().toMinutes() + " minutes");
        line(
                b,
                "Last activation result",
                s.lastResult()
                        // A failure's host may be one that never answered (0xC004F074 after an outage): "from"
                        // only for a host that activated.
                        .map(r -> describe(r.hresult())
                                + r.kmsHost()
                                        .map(h -> r.activated() ? " from " + h : " (KMS host " + h + ")")
                                        .orElse(""))
                        .orElse("(none recorded)"));
    }

    /** In slmgr's words ({@code slmgr /dlv}; {@code ospp.vbs /dstatus} words the same fields alike). */
    private static void details(StringBuilder b, InstalledProduct p, LicenseDetails.Details d) {
        line(b, "Application ID", d.applicationId().orElse(p.applicationId()).toString());
        line(b, "Extended PID", d.extendedPid().orElse(NOT_REPORTED));
        line(b, "Client Machine ID (CMID)", d.clientMachineId().orElse(NOT_REPORTED));
        line(
                b,
                "KMS machine name and port last used",
                d.kmsHostUsed()
                        .map(h -> h
                                + (d.kmsPortUsed().isPresent()
                                        ? ":" + d.kmsPortUsed().getAsInt()
                                        : ""))
                        .orElse("(none yet)"));
        line(
                b,
                "KMS host caching",
                d.kmsHostCaching().map(on -> on ? "enabled" : "disabled").orElse(NOT_REPORTED));
        line(b, "Trusted time", d.trustedTime().map(Object::toString).orElse(NOT_REPORTED));
        line(
                b,
                "Remaining rearm count",
                d.remainingRearmCount().isPresent()
                        ? Integer.toString(d.remainingRearmCount().getAsInt())
                        : NOT_REPORTED);
    }

    private static final String NOT_REPORTED = "(not reported)";

    private static String describe(HResult h) {
        return h.hex() + " " + h.name() + ": " + h.meaning();
    }

    private static String minutes(Duration d) {
        long m = d.toMinutes();
        return m + " minute(s) (" + (m / 1440) + " day(s))";
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append("  ").append(label).append(": ").append(value).append('\n');
    }
}
