package org.kmsagent.agent.status;

import java.util.Objects;
import java.util.Optional;
import org.kmsagent.agent.licensing.LicenseDetails;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicenseState;

/**
 * One installed product of a family and what the licensing service says about it.
 *
 * @param product the installed product
 * @param state its license state, unless reading it failed
 * @param error why the state could not be read, if it could not
 * @param details what {@code slmgr /dlv} shows beside the state, when the stack reads it
 */
public record ProductStatus(
        InstalledProduct product,
        Optional<LicenseState> state,
        Optional<String> error,
        Optional<LicenseDetails.Details> details) {
    public ProductStatus {
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(details, "details");
    }

    /** Without details (a stack that reads none). */
    public ProductStatus(InstalledProduct product, Optional<LicenseState> state, Optional<String> error) {
        this(product, state, error, Optional.empty());
    }
}
