package org.kmsagent.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.kmsagent.agent.command.PluginLease;
import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.core.text.Table;
import org.kmsagent.agent.plugin.FamilyRegistry;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.api.Sku;
import org.kmsagent.api.ThresholdClass;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kms-agent products [--family F] [--json]}: what the agent knows. Keys are always masked here; only
 * {@code kms-agent gvlk} prints a whole key.
 */
@TakesGlobalOptions
@Command(
        name = "products",
        mixinStandardHelpOptions = true,
        description = "Lists the loaded product families, or one family's editions (keys masked).")
final class ProductsCommand implements Callable<Integer> {
    @ParentCommand
    KmsAgentCommand root;

    @Spec
    CommandSpec spec;

    @CommandLine.Mixin
    ConfigFileOption config;

    @Option(names = "--family", paramLabel = "ID", description = "List this family's editions.")
    String family;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // Each plugin that failed is printed by loadPlugins(), and listed under "problems" with --json; each .zip or
        // folder not loaded, under "skipped".
        config.applyTo(root);
        try (PluginLease plugins = root.loadPlugins()) {
            PluginHost host = plugins.host();
            if (family == null) {
                listFamilies(host, out);
                return 0;
            }
            LoadedFamily f = host.registry()
                    .family(family)
                    .orElseThrow(() -> new UsageException(
                            FamilyRegistry.notLoaded(family, host.registry().families(), host.problems())));
            listEditions(f, out);
            return 0;
        }
    }

    private void listFamilies(PluginHost host, PrintWriter out) {
        List<LoadedFamily> families = host.registry().families();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("pluginsDirectory", host.directory().toString());
            doc.put(
                    "families",
                    families.stream().map(ProductsCommand::familyJson).toList());
            doc.put(
                    "problems",
                    host.problems().stream()
                            .map(p -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("jar", p.jar().getFileName().toString());
                                m.put("pluginId", p.pluginId().orElse(null));
                                m.put("reason", p.reason());
                                return m;
                            })
                            .toList());
            // A .zip or a folder beside the jars: told, as on standard error, but no plugin failed (not a problem).
            doc.put(
                    "skipped",
                    host.skipped().stream()
                            .map(s -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("file", s.name());
                                m.put("reason", s.reason());
                                return m;
                            })
                            .toList());
            Json.print(out, doc);
            return;
        }
        if (families.isEmpty()) {
            out.println("No product family is loaded from " + host.directory() + ".");
            out.flush();
            return;
        }
        Table table = new Table("FAMILY", "NAME", "APPLICATION ID", "POOL", "THRESHOLD CLASSES", "EDITIONS", "VERSION");
        for (LoadedFamily f : families) {
            table.row(
                    f.id(),
                    f.displayName(),
                    f.applicationId(),
                    f.countPool().id(),
                    f.catalog().thresholdClasses().stream()
                            .map(t -> t.name() + " " + t.minimumCount())
                            .collect(Collectors.joining(", ")),
                    f.catalog().skus().size(),
                    f.pluginVersion());
        }
        table.print(out);
    }

    private void listEditions(LoadedFamily f, PrintWriter out) {
        if (json) {
            Map<String, Object> doc = familyJson(f);
            List<Map<String, Object>> editions = new ArrayList<>();
            for (Sku s : f.catalog().skus()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", s.name());
                m.put("product", s.product());
                m.put("edition", s.edition());
                m.put("skuId", s.skuId().map(Object::toString).orElse(null));
                m.put("gvlk", s.gvlk().masked());
                m.put("productGroup", s.group().name());
                m.put("kmsId", s.group().kmsId().toString());
                m.put("thresholdClass", s.thresholdClass().name());
                editions.add(m);
            }
            doc.put("editions", editions);
            Json.print(out, doc);
            return;
        }
        Table table = new Table("EDITION", "GVLK", "PRODUCT GROUP", "THRESHOLD", "SKU ID");
        for (Sku s : f.catalog().skus()) {
            table.row(
                    s.name(),
                    s.gvlk().masked(),
                    s.group().name(),
                    s.thresholdClass().name() + " " + s.thresholdClass().minimumCount(),
                    s.skuId().map(Object::toString).orElse("-"));
        }
        table.print(out);
    }

    private static Map<String, Object> familyJson(LoadedFamily f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("displayName", f.displayName());
        m.put("applicationId", f.applicationId().toString());
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("id", f.countPool().id());
        pool.put("displayName", f.countPool().displayName());
        pool.put("applicationId", f.countPool().applicationId().toString());
        m.put("pool", pool);
        List<Map<String, Object>> classes = new ArrayList<>();
        for (ThresholdClass t : f.catalog().thresholdClasses()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", t.name());
            c.put("minimumCount", t.minimumCount());
            classes.add(c);
        }
        m.put("thresholdClasses", classes);
        m.put("editionCount", f.catalog().skus().size());
        m.put("licensePack", f.catalog().licensePack().map(p -> p.name()).orElse(null));
        m.put("hostKeys", f.catalog().hostKeys().stream().map(k -> k.name()).toList());
        m.put("pluginVersion", f.pluginVersion());
        m.put("source", f.source().map(p -> p.getFileName().toString()).orElse(null));
        return m;
    }
}
