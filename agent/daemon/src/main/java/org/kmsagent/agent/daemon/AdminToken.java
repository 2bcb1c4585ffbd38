package org.kmsagent.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.core.OwnerOnly;

/**
 * The admin token made at first start when the configuration names none, so that the bridge is never open and
 * never unusable: 32 random bytes in {@code <dataDir>/admin.token}, readable by its owner only. Its path is printed,
 * never its value.
 */
public final class AdminToken {
    /** The token's name in logs and events. */
    public static final String NAME = "generated-admin";

    private AdminToken() {}

    /** Reads the token file, making it first if needed. */
    public static TokenConfig ensure(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (!Files.isRegularFile(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            OwnerOnly.directories(dataDir);
            Path tmp = dataDir.resolve("admin.token.tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        return new TokenConfig(NAME, Files.readString(file).strip(), Role.ADMIN);
    }

    /** Where the token is kept. */
    public static Path file(Path dataDir) {
        return dataDir.resolve("admin.token");
    }
}
