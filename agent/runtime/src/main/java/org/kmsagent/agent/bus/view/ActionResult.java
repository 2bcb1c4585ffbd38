package org.kmsagent.agent.bus.view;

/**
 * The outcome of one change on one product (an activation, a key installation).
 *
 * @param family the family id
 * @param product the edition's display name
 * @param ok whether it succeeded
 * @param hresult the licensing service's HRESULT, {@code 0x...}, or null when none was involved
 * @param message what happened, for a person (no whole product key)
 */
public record ActionResult(String family, String product, boolean ok, String hresult, String message) {}
