package org.kmsagent.plugins.office2010;

import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.WindowsVersion;

/**
 * Office 2010 follows the standard KMS client flow of {@link ActivationHandler}; only the licensing service
 * that holds its licenses is its own.
 */
final class Office2010ActivationHandler implements ActivationHandler {
  /**
   * Office 2010 is licensed by the Office Software Protection Platform on every Windows version
   * (slc-api.md §1, "Where the license store is").
   */
  @Override
  public LicensingService licensingService(WindowsVersion windows) {
    return LicensingService.OSPP;
  }
}
