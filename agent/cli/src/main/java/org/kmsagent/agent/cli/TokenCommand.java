package org.kmsagent.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.kmsagent.agent.command.WholeNumberOption;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.config.TokenHash;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kms-agent token hash|new}: the hash line to write in {@code bridge.tokens[].hash} instead of a token in
 * clear, and a fresh random token with its hash. Works offline; nothing is stored.
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Makes bridge tokens and their hashes for bridge.tokens[].hash (docs/configuration.md).",
        subcommands = {TokenCommand.Hash.class, TokenCommand.New.class})
public final class TokenCommand implements Runnable {
    /** The longest token line read from standard input. */
    static final int MAX_TOKEN_CHARS = 4096;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a token command: hash or new.");
    }

    /** What both token commands take: the PBKDF2 iterations of the hash they make, and how to print it. */
    static final class HashOutput {
        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec command;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        /** Fewer would make a weak hash, more a slow one. */
        static final WholeNumberOption ITERATIONS =
                new WholeNumberOption("--iterations", "", TokenHash.MIN_ITERATIONS, TokenHash.MAX_ITERATIONS);

        int iterations;

        @Option(
                names = "--iterations",
                paramLabel = "N",
                defaultValue = "" + TokenHash.DEFAULT_ITERATIONS,
                description = "PBKDF2 iterations, " + TokenHash.MIN_ITERATIONS + "-" + TokenHash.MAX_ITERATIONS
                        + " (default ${DEFAULT-VALUE}).")
        void iterations(String text) {
            iterations = ITERATIONS.read(command, text);
        }

        /** The iterations asked for. */
        int iterations() {
            return iterations;
        }

        /** Prints {@code document} with {@code --json}, else {@code lines}. */
        void print(Map<String, Object> document, String... lines) {
            PrintWriter out = command.commandLine().getOut();
            if (json) {
                Json.print(out, document);
            } else {
                for (String line : lines) {
                    out.println(line);
                }
                out.flush();
            }
        }
    }

    @Command(
            name = "hash",
            mixinStandardHelpOptions = true,
            description = {
                "Prints the hash of a token, to write as bridge.tokens[].hash instead of the token.",
                "Reads the token from standard input (its first line), or asks for it without echo at a console."
            })
    static final class Hash implements Callable<Integer> {
        @CommandLine.Mixin
        HashOutput output;

        /** Where the token is read from when there is no console (tests give their own). */
        InputStream in = System.in;
        /** The console to ask at, or null. */
        Console console = System.console();

        @Override
        public Integer call() throws IOException {
            int iterations = output.iterations();
            String token = read();
            if (token.length() < TokenConfig.MIN_TOKEN_LENGTH) {
                throw new UsageException("the token must be at least "
                        + TokenConfig.MIN_TOKEN_LENGTH + " characters, got "
                        + token.length());
            }
            String line = TokenHash.of(token, iterations, new SecureRandom()).format();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("hash", line);
            doc.put("iterations", iterations);
            output.print(doc, line);
            return 0;
        }

        /** Whether to ask at the console: Java 22+ has a console object even when standard input is redirected. */
        private static boolean interactive(Console c) {
            if (c == null) {
                return false;
            }
            try {
                return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
            } catch (ReflectiveOperationException e) {
                return true; // before Java 22 there is a console only at a terminal
            }
        }

        private String read() throws IOException {
            if (interactive(console) && in == System.in) {
                char[] typed = console.readPassword("token: ");
                if (typed == null) {
                    throw new UsageException("no token was typed");
                }
                return new String(typed).strip();
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            char[] buffer = new char[MAX_TOKEN_CHARS + 1];
            int n = 0;
            int c;
            while (n < buffer.length && (c = reader.read()) >= 0 && c != '\n') {
                buffer[n++] = (char) c;
            }
            if (n > MAX_TOKEN_CHARS) {
                throw new UsageException(
                        "the token on standard input is longer than " + MAX_TOKEN_CHARS + " characters");
            }
            String token = new String(buffer, 0, n).strip();
            if (token.isEmpty()) {
                throw new UsageException("no token on standard input: give it as the first line, e.g. from a file with "
                        + "< token.txt");
            }
            return token;
        }
    }

    @Command(
            name = "new",
            mixinStandardHelpOptions = true,
            description = {
                "Makes a random token and its hash: give the token to the client (ctl, the dashboard) and "
                        + "write the hash in the configuration."
            })
    static final class New implements Callable<Integer> {
        @CommandLine.Mixin
        HashOutput output;

        @Option(
                names = "--name",
                paramLabel = "NAME",
                defaultValue = "operator",
                description = "The token's name in the configuration line printed (default ${DEFAULT-VALUE}).")
        String name;

        @Option(
                names = "--role",
                paramLabel = "ROLE",
                defaultValue = "read",
                description = "read or admin, for the configuration line printed (default ${DEFAULT-VALUE}).")
        String role;

        @Override
        public Integer call() {
            int iterations = output.iterations();
            Role r;
            try {
                r = Role.ofToken(role);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--role: " + e.getMessage());
            }
            if (name.isBlank()) {
                // The line printed would be refused by the configuration it is pasted into (bridge.tokens[i].name).
                throw new UsageException("--name: must not be empty: it names the token in bridge.tokens and in the"
                        + " audit log's records");
            }
            SecureRandom random = new SecureRandom();
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            String hash = TokenHash.of(token, iterations, random).format();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("name", name);
            doc.put("role", r.id());
            doc.put("token", token);
            doc.put("hash", hash);
            doc.put("iterations", iterations); // as token hash --json gives it
            output.print(
                    doc,
                    "token: " + token,
                    "hash:  " + hash,
                    "In bridge.tokens of the configuration (the token itself goes to the client only):",
                    "  - {name: " + yamlScalar(name) + ", role: " + r.id() + ", hash: \"" + hash + "\"}");
            return 0;
        }

        /**
         * The name as it can be pasted into the flow mapping printed: always quoted (a JSON string is a YAML
         * double-quoted scalar), since bare, YAML reads "a, b", "x}" or "#ops" as something else, and null, True,
         * 1.10 or 007 as no name, true, 1.1 or 7.
         */
        static String yamlScalar(String name) {
            try {
                return new ObjectMapper().writeValueAsString(name);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
