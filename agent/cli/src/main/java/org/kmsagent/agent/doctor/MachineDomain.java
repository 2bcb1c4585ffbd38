package org.kmsagent.agent.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The machine's DNS domain, where a KMS client looks for {@code _vlmcs._tcp} when no lookup domain is set
 * (docs/kms-rules.md §2.5): {@code USERDNSDOMAIN} on a domain-joined Windows machine, else the suffix of the
 * canonical host name, else the first {@code search}/{@code domain} of {@code /etc/resolv.conf}.
 */
public final class MachineDomain {
    private MachineDomain() {}

    /** This machine's domain, if one is known. */
    public static Optional<String> current() {
        String env = System.getenv("USERDNSDOMAIN");
        if (env != null && !env.isBlank()) {
            return Optional.of(env.toLowerCase(Locale.ROOT));
        }
        try {
            String fqdn = InetAddress.getLocalHost().getCanonicalHostName();
            int dot = fqdn.indexOf('.');
            if (dot > 0 && dot < fqdn.length() - 1 && !Character.isDigit(fqdn.charAt(fqdn.length() - 1))) {
                return Optional.of(fqdn.substring(dot + 1));
            }
        } catch (IOException e) {
            // fall through to resolv.conf
        }
        Path resolv = Path.of("/etc/resolv.conf");
        try {
            List<String> lines = Files.isReadable(resolv) ? Files.readAllLines(resolv) : List.of();
            for (String line : lines) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 2 && (f[0].equals("search") || f[0].equals("domain")) && !f[1].equals(".")) {
                    return Optional.of(f[1]);
                }
            }
        } catch (IOException e) {
            // no domain known
        }
        return Optional.empty();
    }
}
