package org.kmsagent.plugins.office2013;

import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.WindowsVersion;

/**
 * Office 2013 follows the standard KMS client flow of {@link ActivationHandler}; only the licensing service
 * that holds its licenses is its own.
 */
final class Office2013ActivationHandler implements ActivationHandler {
  /**
   * Office 2013 is licensed by the Office Software Protection Platform on Windows 7 and by Windows' own
   * Software Protection Platform on Windows 8 and later (slc-api.md §1, "Where the license store is").
   */
  @Override
  public LicensingService licensingService(WindowsVersion windows) {
    return windows.isWindows7OrOlder() ? LicensingService.OSPP : LicensingService.SPP;
  }
}
