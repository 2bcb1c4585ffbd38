package org.kmsagent.plugins.windowsserver;

import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.WindowsVersion;

/**
 * Windows Server follows the standard KMS client flow of {@link ActivationHandler}; only the licensing service
 * that holds its licenses is its own.
 */
final class WindowsServerActivationHandler implements ActivationHandler {
  /** Windows Server is always licensed by Windows' own Software Protection Platform (slc-api.md §1). */
  @Override
  public LicensingService licensingService(WindowsVersion windows) {
    return LicensingService.SPP;
  }
}
