package org.kmsagent.agent.plugin;

import org.kmsagent.api.Sku;

/**
 * The one rule for when two catalog entries may carry the same GVLK: a GVLK belongs to exactly one SKU, but one
 * SKU may be listed under several release names. Windows 11 and LTSC 2021/2024 reuse the earlier release's GVLK
 * and with it its SKU and KMS ids (docs/kms-rules.md §4), so "Windows 10 Pro" and "Windows 11 Pro" are one SKU with
 * one key. Two different SKUs with one key, or a shared key without a SKU id to prove it is one SKU, are errors.
 */
final class KeySharing {
    private KeySharing() {}

    static boolean sameSku(Sku a, Sku b) {
        return a.skuId().isPresent()
                && a.skuId().equals(b.skuId())
                && a.group().equals(b.group())
                && a.thresholdClass().equals(b.thresholdClass());
    }
}
