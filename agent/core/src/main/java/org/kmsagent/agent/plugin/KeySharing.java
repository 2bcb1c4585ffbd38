package org.kmsagent.agent.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kmsagent.api.ProductGroup;
import org.kmsagent.api.Sku;
import org.kmsagent.api.ThresholdClass;

/**
 * The one rule for when two catalog entries may carry the same GVLK or the same SKU id: a GVLK belongs to exactly one
 * SKU, and so does a SKU id, but one SKU may be listed under several release names in its family's catalog. Windows 11
 * and LTSC 2021/2024 reuse the earlier release's GVLK and with it its SKU and KMS ids (docs/kms-rules.md §4), so
 * "Windows 10 Pro" and "Windows 11 Pro" are one SKU with one key, one product group and one threshold class. Two
 * different SKUs with one key, a shared key without a SKU id to prove it is one SKU, or one SKU id under another key,
 * product group or threshold class are errors, and the refusal says which of these it is.
 *
 * <p>Across families a SKU id is not shared at all, not even by the same SKU under another name ({@link
 * FamilyRegistry}): each family finds its installed products by SKU id, so a SKU id in two families is one installed
 * product that {@code status} and {@code doctor} list twice and two families activate and renew.
 */
final class KeySharing {
    private KeySharing() {}

    static boolean sameSku(Sku a, Sku b) {
        return notOneSku(a, b).isEmpty();
    }

    /**
     * Why {@code a} cannot share {@code b}'s GVLK, worded to follow {@code b}'s name ("key … is the key of Windows 10
     * Pro, a different SKU, of skuId …"); empty when the two are one SKU under two names.
     */
    static Optional<String> notOneSku(Sku a, Sku b) {
        if (a.skuId().isEmpty() || b.skuId().isEmpty()) {
            String which = a.skuId().isEmpty() && b.skuId().isEmpty()
                    ? "neither gives a skuId"
                    : a.skuId().isEmpty() ? "this edition gives no skuId" : "it gives no skuId";
            return Optional.of("not shown to be the same SKU: " + which + " (only editions of one skuId share a key)");
        }
        if (!a.skuId().equals(b.skuId())) {
            return Optional.of("a different SKU, of skuId " + b.skuId().get());
        }
        List<String> differences = differences(a, b);
        return differences.isEmpty()
                ? Optional.empty()
                : Optional.of("of the same skuId but " + String.join(" and ", differences));
    }

    /**
     * What differs between {@code a} and {@code b}, which give one SKU id, as {@code b}'s against {@code a}'s
     * ("another product group ('Windows Server 2025', not 'Acme Suite 2025')"); empty when nothing does and they are
     * one SKU under two names.
     */
    static List<String> differences(Sku a, Sku b) {
        List<String> out = new ArrayList<>();
        if (!a.gvlk().equals(b.gvlk())) {
            out.add("another key (ending " + b.gvlk().lastFive() + ", not "
                    + a.gvlk().lastFive() + ")");
        }
        if (!a.group().equals(b.group())) {
            out.add("another product group (" + shown(b.group(), a.group()) + ", not " + shown(a.group(), b.group())
                    + ")");
        }
        if (!a.thresholdClass().equals(b.thresholdClass())) {
            out.add("another threshold class (" + shown(b.thresholdClass(), a.thresholdClass()) + ", not "
                    + shown(a.thresholdClass(), b.thresholdClass()) + ")");
        }
        return out;
    }

    /** A group by its name, and its KMS id when the other group has the same name. */
    private static String shown(ProductGroup g, ProductGroup other) {
        return "'" + g.name() + "'" + (g.name().equals(other.name()) ? " " + g.kmsId() : "");
    }

    /** A class by its name, and its minimum when the other class has the same name. */
    private static String shown(ThresholdClass c, ThresholdClass other) {
        return c.name() + (c.name().equals(other.name()) ? " " + c.minimumCount() : "");
    }
}
