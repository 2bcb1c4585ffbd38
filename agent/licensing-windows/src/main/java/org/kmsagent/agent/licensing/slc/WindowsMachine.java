package org.kmsagent.agent.licensing.slc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.kmsagent.api.WindowsVersion;

/** Facts about the Windows machine the agent runs on (name, version), read the way that does not lie. */
public final class WindowsMachine {
    /** Where Windows keeps its build number ({@code CurrentBuildNumber}, a {@code REG_SZ}) under HKLM. */
    public static final String CURRENT_VERSION = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";

    private WindowsMachine() {}

    /**
     * This machine's Windows version: major.minor from {@code os.version} (the JDK reads the real one, not the
     * manifest-capped GetVersionEx answer), the build as read from the registry's {@code CurrentBuildNumber} under
     * {@link #CURRENT_VERSION} (0 when unreadable: the build does not decide any licensing choice).
     */
    public static WindowsVersion version(int build) {
        String[] parts = System.getProperty("os.version", "0.0").split("\\.");
        return new WindowsVersion(parse(parts, 0), parse(parts, 1), build);
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
