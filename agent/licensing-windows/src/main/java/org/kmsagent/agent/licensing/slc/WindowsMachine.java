package org.kmsagent.agent.licensing.slc;

import com.sun.jna.Platform;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinReg;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.kmsagent.api.WindowsVersion;

/** Facts about the Windows machine the agent runs on (name, version), read the way that does not lie. */
public final class WindowsMachine {
    private static final String CURRENT_VERSION = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";

    private WindowsMachine() {}

    /**
     * This machine's Windows version: major.minor from {@code os.version} (the JDK reads the real one, not the
     * manifest-capped GetVersionEx answer), the build from the registry's {@code CurrentBuildNumber}.
     */
    public static WindowsVersion version() {
        String[] parts = System.getProperty("os.version", "0.0").split("\\.");
        int major = parse(parts, 0);
        int minor = parse(parts, 1);
        int build = 0;
        if (Platform.isWindows()) {
            try {
                build = Integer.parseInt(Advapi32Util.registryGetStringValue(
                        WinReg.HKEY_LOCAL_MACHINE, CURRENT_VERSION, "CurrentBuildNumber"));
            } catch (RuntimeException e) {
                build = 0; // unreadable: the build does not decide any licensing choice
            }
        }
        return new WindowsVersion(major, minor, build);
    }

    /** The machine's name: {@code COMPUTERNAME} on Windows, the host name elsewhere. */
    public static String name() {
        String env = System.getenv("COMPUTERNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static int parse(String[] parts, int i) {
        try {
            return i < parts.length ? Integer.parseInt(parts[i].replaceAll("\\D.*", "")) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
