package org.kmsagent.agent.bus;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.bus.view.PluginView;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.agent.bus.view.SkippedFileView;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.ProductKey;

/**
 * An {@link AgentControl} over an in-memory machine with two products, whose state tests observe to prove that a
 * refused request changed nothing. Thread-safe (synchronized): the API calls it from worker threads.
 */
public final class InMemoryAgent implements AgentControl {
    /** A product on the simulated machine. */
    public static final class Product {
        final String family;
        final String name;
        final String skuId;
        final String gvlk;
        public String partialKey;
        public String status = "INITIAL_GRACE";
        public Instant validUntil;
        public String lastResult;

        Product(String family, String name, String skuId, String gvlk) {
            this.family = family;
            this.name = name;
            this.skuId = skuId;
            this.gvlk = gvlk;
        }
    }

    private final Clock clock;
    private final Map<String, Product> products = new LinkedHashMap<>();
    private final Map<String, KmsEndpoint> kms = new LinkedHashMap<>();
    private final Map<String, PluginView> plugins = new LinkedHashMap<>();
    /** A family whose plugin is loaded while this machine has none of its products: an action on it matches none. */
    public static final String FAMILY_WITHOUT_PRODUCT = "windows-server";

    private HostSettingsView settings = new HostSettingsView(120, 10_080, 1688, true);
    private int changes;
    private EventPublisher attempts = (type, data) -> {};

    /** Reports each activation attempt as a renewal-loop event, as the real agent's renewal loop does. */
    public InMemoryAgent reportAttemptsTo(EventPublisher events) {
        this.attempts = events;
        return this;
    }

    public InMemoryAgent(Clock clock) {
        this.clock = clock;
        // Real GVLKs and SKU ids, as the windows-client and office2013 catalogs have them (docs/kms-rules.md §4).
        products.put(
                "windows-client",
                new Product(
                        "windows-client",
                        "Windows 7 Enterprise",
                        "ae2ee509-1b34-41c0-acb7-6d4650168915",
                        "33PXH-7Y6KF-2VJC9-XBBR8-HVTHH"));
        products.put(
                "office2013",
                new Product(
                        "office2013",
                        "Office Professional Plus 2013",
                        "b322da9c-a2e2-4058-9e4e-f59a6970bd69",
                        "YC7DK-G2NP3-2QQC3-J6H88-GVGXT"));
        for (String id : products.keySet()) {
            plugins.put(id, new PluginView(id, "0.1.0", "STARTED", List.of(id), null, List.of()));
        }
    }

    /** How many changes were applied; a refused request must leave it as it was. */
    public synchronized int changes() {
        return changes;
    }

    public synchronized Product product(String family) {
        return products.get(family);
    }

    public synchronized Optional<KmsEndpoint> kms(String familyOrAll) {
        return Optional.ofNullable(kms.get(familyOrAll));
    }

    @Override
    public synchronized List<ProductView> products() {
        return products.values().stream()
                .map(p -> new ProductView(
                        p.family,
                        p.name,
                        p.skuId,
                        p.partialKey,
                        p.status,
                        Optional.ofNullable(kms.get(p.family))
                                .or(() -> Optional.ofNullable(kms.get("*")))
                                .map(String::valueOf)
                                .orElse(null),
                        p.validUntil,
                        null,
                        p.lastResult))
                .toList();
    }

    /** {@code host.enabled: false} from now on (until {@link #hostRoleOn}): no pools, no ledger. */
    public synchronized void hostRoleOff() {
        hostRole = false;
    }

    /** The host role back on, with its one pool and one client. */
    public synchronized void hostRoleOn() {
        hostRole = true;
    }

    private boolean hostRole = true;

    @Override
    public synchronized HostView host() {
        if (!hostRole) {
            return new HostView(false, List.of(), List.of());
        }
        return new HostView(
                true,
                List.of(new HostView.Pool(
                        "55c92734-d682-4d71-983e-d6ec3f16059f",
                        "windows-client",
                        26,
                        List.of(
                                new HostView.Threshold("client", 25, true),
                                new HostView.Threshold("server", 5, true)))),
                List.of(new HostView.LedgerEntry(
                        "0d9a7c1e-0000-4000-8000-000000000001",
                        "55c92734-d682-4d71-983e-d6ec3f16059f",
                        "ae2ee509-1b34-41c0-acb7-6d4650168915",
                        clock.instant())));
    }

    @Override
    public synchronized List<ActionResult> activate(Optional<String> family) {
        List<ActionResult> out = new ArrayList<>();
        for (Product p : select(family)) {
            if (p.partialKey == null) {
                p.lastResult = "0xC004F014 no product key";
                attempts.publish(
                        EventPublisher.RENEWAL,
                        new JsonObject()
                                .put("kind", "ACTIVATION_FAILED")
                                .put("family", p.family)
                                .put("product", p.name)
                                .put("hresult", "0xC004F014 SL_E_PKEY_NOT_INSTALLED")
                                .put("diagnosis", new JsonObject().put("cause", "NO_KEY_INSTALLED")));
                out.add(new ActionResult(p.family, p.name, false, "0xC004F014", "no product key installed"));
            } else {
                p.status = "LICENSED";
                p.validUntil = clock.instant().plus(Duration.ofDays(180)); // kms-rules.md §2.1
                p.lastResult = "0x0 ok";
                attempts.publish(
                        EventPublisher.RENEWAL,
                        new JsonObject()
                                .put("kind", "ACTIVATED")
                                .put("family", p.family)
                                .put("product", p.name)
                                .put("hresult", "0x00000000"));
                out.add(new ActionResult(p.family, p.name, true, "0x00000000", "activated"));
            }
        }
        changes++;
        return out;
    }

    @Override
    public synchronized List<ActionResult> installGvlk(Optional<String> family, Optional<ProductKey> key) {
        List<ActionResult> out = new ArrayList<>();
        for (Product p : select(family)) {
            ProductKey k = key.orElseGet(() -> ProductKey.parse(p.gvlk));
            p.partialKey = k.lastFive();
            out.add(new ActionResult(p.family, p.name, true, "0x00000000", "installed " + k));
        }
        changes++;
        return out;
    }

    @Override
    public synchronized KmsEndpoint setKms(Optional<String> family, KmsEndpoint endpoint) {
        family.ifPresent(this::requireFamily);
        kms.put(family.orElse("*"), endpoint);
        changes++;
        return endpoint;
    }

    @Override
    public synchronized void clearKms(Optional<String> family) {
        family.ifPresent(this::requireFamily);
        kms.remove(family.orElse("*"));
        changes++;
    }

    @Override
    public synchronized HostSettingsView hostSettings() {
        return settings;
    }

    @Override
    public synchronized HostSettingsView updateHostSettings(HostSettingsView s) {
        settings = s;
        changes++;
        return s;
    }

    @Override
    public synchronized List<PluginView> plugins() {
        return List.copyOf(plugins.values());
    }

    @Override
    public synchronized List<SkippedFileView> skippedPluginFiles() {
        return List.of();
    }

    @Override
    public synchronized PluginView loadPlugin(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw ControlException.notFound("no such plugin jar: " + jar);
        }
        String id = jar.getFileName().toString().replaceAll("(-plugin)?\\.jar$", "");
        PluginView v = new PluginView(id, "0.1.0", "STARTED", List.of(id), null, List.of());
        plugins.put(id, v);
        changes++;
        return v;
    }

    @Override
    public synchronized void unloadPlugin(String pluginId) {
        PluginView gone = plugins.remove(pluginId);
        if (gone == null) {
            throw ControlException.notFound("unknown plugin: " + pluginId);
        }
        // As the live agent: a family unloaded is no longer tracked, so its products leave the status.
        products.values().removeIf(p -> gone.families().contains(p.family));
        changes++;
    }

    @Override
    public synchronized List<PluginView> rescanPlugins() {
        return List.copyOf(plugins.values());
    }

    private List<Product> select(Optional<String> family) {
        if (family.filter(FAMILY_WITHOUT_PRODUCT::equals).isPresent()) {
            return List.of();
        }
        return family.map(f -> List.of(requireFamily(f))).orElseGet(() -> List.copyOf(products.values()));
    }

    private Product requireFamily(String family) {
        Product p = products.get(family);
        if (p == null && !FAMILY_WITHOUT_PRODUCT.equals(family)) {
            throw ControlException.notFound("unknown family: " + family);
        }
        return p;
    }
}
