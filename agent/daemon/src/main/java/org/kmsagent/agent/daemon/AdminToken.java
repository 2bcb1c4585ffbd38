package org.kmsagent.agent.daemon;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.core.DamagedFiles;
import org.kmsagent.agent.core.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin token made at first start when the configuration names none, so that the bridge is never open and
 * never unusable: 32 random bytes in {@code <dataDir>/admin.token}, readable by its owner only. Its path is printed,
 * never its value.
 *
 * <p>A file that holds no token the agent could have made (empty, shorter than a configured token may be, or with
 * spaces or other characters inside) is damaged, never a credential: an empty file would otherwise let an empty
 * token in as admin. It is moved aside ({@link DamagedFiles}, which makes the copy owner-only too: it may be a
 * token written by hand) and a new token made, said in the banner.
 */
public final class AdminToken {
    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

    /** The token's name in logs and events. */
    public static final String NAME = "generated-admin";

    /**
     * What the file may hold: the URL-safe Base64 the agent writes, at least as long as a configured token must be
     * ({@link TokenConfig#MIN_TOKEN_LENGTH}); the agent makes 43 characters.
     */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{" + TokenConfig.MIN_TOKEN_LENGTH + ",}");

    private AdminToken() {}

    /**
     * Reads the token file, making it first if needed, or again if it is damaged (then moved aside, and a line for
     * the banner added to {@code problems}).
     */
    public static TokenConfig ensure(Path dataDir, Clock clock, List<String> problems) throws IOException {
        Path file = file(dataDir);
        if (Files.isRegularFile(file)) {
            String token = read(file);
            if (token != null && VALID.matcher(token).matches()) {
                return new TokenConfig(NAME, token, Role.ADMIN);
            }
            Path aside = DamagedFiles.moveAside(file, clock);
            // Named in full, as a damaged state.json is: the administrator looks for it beside the data folder's
            // others.
            problems.add("kms-agent: the admin token in " + file + " was damaged (" + why(token) + "); moved to "
                    + aside + "; a new one was made");
            LOG.warn("the admin token in {} was damaged; moved to {}; a new one was made", file, aside);
        }
        make(dataDir, file);
        return new TokenConfig(NAME, read(file), Role.ADMIN);
    }

    private static String why(String token) {
        if (token == null) {
            return "not text";
        }
        if (token.isEmpty()) {
            return "empty";
        }
        return token.length() < TokenConfig.MIN_TOKEN_LENGTH
                ? token.length() + " characters, fewer than " + TokenConfig.MIN_TOKEN_LENGTH
                : "characters the agent never writes";
    }

    /** The file's text without surrounding whitespace, or null when it is not UTF-8. */
    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file).strip();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void make(Path dataDir, Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        OwnerOnly.directories(dataDir);
        Path tmp = dataDir.resolve("admin.token.tmp");
        OwnerOnly.freshFile(tmp);
        Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Where the token is kept. */
    public static Path file(Path dataDir) {
        return dataDir.resolve("admin.token");
    }
}
