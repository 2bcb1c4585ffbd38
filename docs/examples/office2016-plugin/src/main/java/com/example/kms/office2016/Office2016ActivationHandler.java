package com.example.kms.office2016;

import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.WindowsVersion;

/** The standard KMS client flow; Office 2016 is licensed by OSPP on Windows 7 and by Windows' own SPP later. */
final class Office2016ActivationHandler implements ActivationHandler {
  @Override
  public LicensingService licensingService(WindowsVersion windows) {
    return windows.isWindows7OrOlder() ? LicensingService.OSPP : LicensingService.SPP;
  }
}
