package org.kmsagent.api;

/**
 * A Windows version, as {@code major.minor.build}.
 *
 * @param major e.g. 6 for Windows 7, 10 for Windows 10 and 11
 * @param minor e.g. 1 for Windows 7
 * @param build the build number, e.g. 7601
 */
public record WindowsVersion(int major, int minor, int build) {
    public static final WindowsVersion WINDOWS_7 = new WindowsVersion(6, 1, 7601);
    public static final WindowsVersion WINDOWS_8 = new WindowsVersion(6, 2, 9200);
    public static final WindowsVersion WINDOWS_10 = new WindowsVersion(10, 0, 19045);

    /** Whether this is Windows 7 / Server 2008 R2 (NT 6.1) or older. */
    public boolean isWindows7OrOlder() {
        return major < 6 || (major == 6 && minor <= 1);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + build;
    }
}
