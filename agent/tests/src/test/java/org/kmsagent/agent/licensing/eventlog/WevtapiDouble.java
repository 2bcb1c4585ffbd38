package org.kmsagent.agent.licensing.eventlog;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The gcc-built Event Log double (libwevtapi.so in {@code jna.library.path}, from src/test/c/wevtapidouble.c) and
 * events in the shape a genuine KMS host logs them. Loading it skips the test with a message where gcc was absent.
 */
public final class WevtapiDouble {
    public interface Control extends Library {
        void wevt_reset();

        int wevt_append(long recordId, String xmlUtf8);

        void wevt_clear();

        long wevt_open_handles();
    }

    public final Control control;

    private WevtapiDouble(Control control) {
        this.control = control;
    }

    public static WevtapiDouble load() {
        String dir = System.getProperty("jna.library.path", "");
        Path file = Path.of(dir, "libwevtapi.so");
        assumeTrue(
                !dir.isEmpty() && Files.isRegularFile(file),
                "native Event Log double " + file
                        + " not built (gcc absent, profile native-double inactive): skipping");
        WevtapiDouble d = new WevtapiDouble(Native.load("wevtapi", Control.class));
        d.control.wevt_reset();
        return d;
    }

    WevtapiChannel channel() {
        return WevtapiChannel.forLibrary("wevtapi");
    }

    public void append(long recordId, String xml) {
        if (control.wevt_append(recordId, xml) == 0) {
            throw new IllegalStateException("the double's channel is full");
        }
    }

    /** An event 12290 as the host's "Key Management Service" log renders it (EvtRenderEventXml). */
    public static String request(
            long recordId,
            Instant at,
            String fqdn,
            String cmid,
            int required,
            int licenseState,
            long minutesLeft,
            String skuId) {
        return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                + "<Provider Name='Microsoft-Windows-Security-Licensing-SLC' Guid='{e23b33b0-c8c9-472c-a5f9-f2bdfea0f156}'"
                + " EventSourceName='Software Protection Platform Service'/>"
                + "<EventID Qualifiers='16384'>12290</EventID><Version>0</Version><Level>4</Level><Task>0</Task>"
                + "<Opcode>0</Opcode><Keywords>0x80000000000000</Keywords><TimeCreated SystemTime='" + at + "'/>"
                + "<EventRecordID>" + recordId + "</EventRecordID><Correlation/><Execution ProcessID='0' ThreadID='0'/>"
                + "<Channel>Key Management Service</Channel><Computer>kms01.contoso.com</Computer><Security/></System>"
                + "<EventData><Data>0x0</Data><Data>" + required + "</Data><Data>" + fqdn + "</Data><Data>" + cmid
                + "</Data><Data>2026/11/30 9:15</Data><Data>0</Data><Data>" + licenseState + "</Data><Data>"
                + minutesLeft
                + "</Data><Data>" + skuId + "</Data></EventData></Event>";
    }
}
