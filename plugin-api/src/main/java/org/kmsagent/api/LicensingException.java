package org.kmsagent.api;

import java.util.Objects;

/**
 * A licensing call failed with an HRESULT. The message names the call and, where it helps, the product; it never
 * holds a whole product key.
 */
public class LicensingException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient HResult hresult;

    public LicensingException(HResult hresult, String message) {
        super(message + ": " + Objects.requireNonNull(hresult, "hresult") + " (" + hresult.meaning() + ")");
        this.hresult = hresult;
    }

    public LicensingException(HResult hresult, String message, Throwable cause) {
        this(hresult, message);
        initCause(cause);
    }

    /** The HRESULT the licensing service returned. */
    public HResult hresult() {
        return hresult;
    }
}
