package org.kmsagent.api;

/**
 * Which Windows service holds a product's licenses (docs/kms-rules.md §8.1 "Where the license store is").
 */
public enum LicensingService {
    /** Windows' Software Protection Platform (sppsvc, slc.dll): Windows, and Office 2013+ on Windows 8 and later. */
    SPP("Software Protection Platform", "slc"),
    /** The Office Software Protection Platform (osppsvc, osppc.dll): Office 2010, and Office 2013 on Windows 7. */
    OSPP("Office Software Protection Platform", "osppc");

    private final String displayName;
    private final String clientLibrary;

    LicensingService(String displayName, String clientLibrary) {
        this.displayName = displayName;
        this.clientLibrary = clientLibrary;
    }

    public String displayName() {
        return displayName;
    }

    /** The client library that exports the SL* functions for this service. */
    public String clientLibrary() {
        return clientLibrary;
    }
}
