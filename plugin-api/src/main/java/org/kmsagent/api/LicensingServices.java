package org.kmsagent.api;

import java.util.Objects;

/**
 * Which licensing service holds a family's licenses on each Windows generation, as the family's catalog declares it
 * ({@code "licensingService": {"windows7AndOlder": "OSPP", "windows8AndLater": "SPP"}}). Windows 7 and Server
 * 2008 R2 license Office 2010 to 2016 through the Office Software Protection Platform; Windows 8 and later license
 * Office 2013 and later through Windows' own service (docs/kms-rules.md §8.1).
 *
 * @param windows7AndOlder the service on Windows 7 / Server 2008 R2 (NT 6.1) and older
 * @param windows8AndLater the service on Windows 8 / Server 2012 (NT 6.2) and later
 */
public record LicensingServices(LicensingService windows7AndOlder, LicensingService windows8AndLater) {
    public LicensingServices {
        Objects.requireNonNull(windows7AndOlder, "windows7AndOlder");
        Objects.requireNonNull(windows8AndLater, "windows8AndLater");
    }

    /** The service on that Windows version. */
    public LicensingService on(WindowsVersion windows) {
        return windows.isWindows7OrOlder() ? windows7AndOlder : windows8AndLater;
    }
}
