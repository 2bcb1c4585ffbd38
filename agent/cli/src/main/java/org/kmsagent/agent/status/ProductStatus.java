package org.kmsagent.agent.status;

import java.util.Objects;
import java.util.Optional;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicenseState;

/**
 * One installed product of a family and what the licensing service says about it.
 *
 * @param product the installed product
 * @param state its license state, unless reading it failed
 * @param error why the state could not be read, if it could not
 */
public record ProductStatus(InstalledProduct product, Optional<LicenseState> state, Optional<String> error) {
  public ProductStatus {
    Objects.requireNonNull(product, "product");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(error, "error");
  }
}
