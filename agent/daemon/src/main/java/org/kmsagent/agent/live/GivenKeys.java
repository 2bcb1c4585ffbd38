package org.kmsagent.agent.live;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;

/**
 * The check a key given to {@code install-gvlk --family F --key K} passes before it reaches the licensing service:
 * a key that a loaded catalog knows as a GVLK must be a GVLK of F. The licensing service installs a key for whichever
 * product it belongs to (Windows' own service holds Office 2013 and later too), so without this a Windows GVLK given
 * for Office would be installed for Windows and reported as done for Office. A GVLK of another edition of F is the
 * licensing service's to take or refuse (Windows converts Pro to Enterprise with Enterprise's GVLK; a key for an
 * edition that is not installed is refused there), as is a key no catalog knows (a MAK), whose edition only it can
 * tell.
 */
final class GivenKeys {
    private GivenKeys() {}

    /**
     * @param key the key given
     * @param family the family it was given for
     * @param installed the family's products installed here
     * @param loaded every loaded family, whose catalogs say whose GVLK the key is
     * @throws ControlException 400 naming the key by its last five and the edition(s) of other families it is the GVLK
     *     of
     */
    static void check(
            ProductKey key, LoadedFamily family, List<InstalledProduct> installed, List<LoadedFamily> loaded) {
        Map<String, List<String>> owners = new LinkedHashMap<>(); // family id -> edition names
        for (LoadedFamily f : loaded) {
            List<String> names = f.catalog().skus().stream()
                    .filter(s -> s.gvlk().value().equals(key.value()))
                    .map(Sku::name)
                    .toList();
            if (!names.isEmpty()) {
                owners.put(f.id(), names);
            }
        }
        if (owners.isEmpty() || owners.containsKey(family.id())) {
            return; // not a GVLK any catalog knows, or one of this family: the licensing service decides
        }
        String whose = owners.entrySet().stream()
                .map(e -> String.join(" / ", e.getValue()) + " (" + e.getKey() + ")")
                .collect(Collectors.joining(" and "));
        String here = installed.isEmpty()
                ? "none is"
                : "installed: " + installed.stream().map(InstalledProduct::name).collect(Collectors.joining(", "));
        String instead = "it goes with --family " + String.join(" or --family ", owners.keySet());
        throw new ControlException(
                BusCodes.BAD_REQUEST,
                "key: the key ending " + key.lastFive() + " is the GVLK of " + whose + ", not of an edition of "
                        + family.id() + " installed here (" + here + "); nothing was installed; " + instead);
    }
}
