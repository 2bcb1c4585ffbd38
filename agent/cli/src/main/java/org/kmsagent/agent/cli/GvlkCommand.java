package org.kmsagent.agent.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.kmsagent.agent.command.PluginLease;
import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.core.text.ClosestNames;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.api.Sku;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kms-agent gvlk "Windows Server 2022 Datacenter"}: prints that edition's whole GVLK, the public KMS client
 * setup key an administrator passes to {@code slmgr /ipk}. The one place a whole key is printed.
 */
@TakesGlobalOptions
@Command(
        name = "gvlk",
        mixinStandardHelpOptions = true,
        description = "Prints an edition's public KMS client setup key (GVLK), for slmgr /ipk.")
final class GvlkCommand implements Callable<Integer> {
    /** Five groups of five letters or digits, hyphenated or not: what a product key looks like, typos included. */
    private static final Pattern KEY_SHAPED = Pattern.compile("[A-Za-z0-9]{5}(-?[A-Za-z0-9]{5}){4}");

    @ParentCommand
    KmsAgentCommand root;

    @Spec
    CommandSpec spec;

    @CommandLine.Mixin
    ConfigFileOption config;

    @Parameters(index = "0", paramLabel = "EDITION", description = "The edition, e.g. \"Windows 11 Enterprise\".")
    String edition;

    @CommandLine.Option(names = "--json", description = "Print {edition, skuId, gvlk} as JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (edition.isBlank()) {
            // Every edition name "contains" an empty one: it would be answered with three unrelated suggestions.
            throw new UsageException("the edition name is empty; give one, e.g. 'kms-agent gvlk \"Windows 11"
                    + " Enterprise\"'; see 'kms-agent products --family ID' for the editions");
        }
        config.applyTo(root);
        try (PluginLease plugins = root.loadPlugins()) {
            PluginHost host = plugins.host();
            List<Sku> all = host.registry().families().stream()
                    .map(LoadedFamily::catalog)
                    .flatMap(c -> c.skus().stream())
                    .toList();
            Optional<Sku> exact = all.stream()
                    .filter(s -> s.name().equalsIgnoreCase(edition.strip()))
                    .findFirst();
            if (exact.isPresent()) {
                Sku sku = exact.get();
                out.println(
                        json
                                ? new JsonObject()
                                        .put("edition", sku.name())
                                        .put(
                                                "skuId",
                                                sku.skuId()
                                                        .map(Object::toString)
                                                        .orElse(null))
                                        .put("gvlk", sku.gvlk().value())
                                        .encodePrettily()
                                : sku.gvlk().value());
                out.flush();
                return 0;
            }
            if (KEY_SHAPED.matcher(edition.strip()).matches()) {
                // A key pasted where the edition goes (a MAK, say) is not echoed whole: the last five only.
                String k = edition.strip();
                throw new UsageException("that looks like a product key (ending '" + k.substring(k.length() - 5)
                        + "'), not an edition name; gvlk prints the public key of an edition it is given, see"
                        + " 'kms-agent products --family ID' for the editions");
            }
            List<String> close =
                    ClosestNames.closest(edition, all.stream().map(Sku::name).toList());
            // A mistyped edition is bad input, as an unknown family is for products: exit 2.
            throw new UsageException("no edition named '" + edition + "'"
                    + (close.isEmpty()
                            ? "; see 'kms-agent products --family ID' for the editions"
                            : "; " + ClosestNames.didYouMean(close)));
        }
    }
}
