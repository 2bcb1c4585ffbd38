package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped conf/agent.yaml is what an administrator edits first: it says every default (ConfigLoaderTest checks
 * that it binds to exactly the defaults), it shows every key, and each commented example works when its "# " is
 * removed, without also having to delete a {@code {}} or {@code []} left above it.
 */
class ShippedConfigFileTest {
    private static final Path SHIPPED = Path.of("..", "..", "distribution", "src", "main", "conf", "agent.yaml");

    /** A commented-out key or list entry: its indentation, then "# ", then {@code key:} or {@code - key:}. */
    private static final Pattern EXAMPLE = Pattern.compile("^(\\s*)# ((- )?[A-Za-z0-9]+:.*)$");

    private static final Map<String, String> ENV = Map.of(
            "KMSAGENT_ADMIN_TOKEN", "0123456789abcdef-admin",
            "KMSAGENT_PLUGIN_TRUST_PASSWORD", "changeit",
            "KMSAGENT_FLEET_TOKEN", "kma1.pc-0042.c2VjcmV0c2VjcmV0c2VjcmV0",
            "KMSAGENT_MONITORING_TOKEN_HASH",
                    TokenHash.of("0123456789abcdef-read", TokenHash.MIN_ITERATIONS, new SecureRandom())
                            .format());

    @TempDir
    Path dir;

    /** Each example: the line numbers of a commented key and of the commented lines nested under it. */
    private static List<List<Integer>> examples(List<String> lines) {
        List<List<Integer>> groups = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXAMPLE.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            List<Integer> group = new ArrayList<>(List.of(i));
            int depth = m.group(1).length();
            while (i + 1 < lines.size()
                    && lines.get(i + 1).matches("^\\s*#\\s{2,}\\S.*")
                    && lines.get(i + 1).indexOf('#') == depth) {
                group.add(++i);
            }
            groups.add(group);
        }
        return groups;
    }

    private static String uncomment(String line) {
        return line.replaceFirst("# ", "");
    }

    @Test
    void everyCommentedExampleLoadsOnceUncommentedAsItStands() throws Exception {
        List<String> lines = Files.readAllLines(SHIPPED);
        List<List<Integer>> examples = examples(lines);
        assertThat(examples).hasSizeGreaterThanOrEqualTo(10);
        for (List<Integer> example : examples) {
            List<String> copy = new ArrayList<>(lines);
            example.forEach(i -> copy.set(i, uncomment(copy.get(i))));
            Path file = Files.write(dir.resolve("agent.yaml"), copy);
            try {
                new ConfigLoader(ENV).load(Optional.of(file), List.of());
            } catch (ConfigException e) {
                // The example files do not exist here; anything else (a syntax error above all) is the file's fault.
                assertThat(e.errors())
                        .as("uncommenting %s", lines.get(example.get(0)).strip())
                        .allMatch(line -> line.matches(".*(cannot read file|must be given together|given without).*"));
            }
        }
    }

    @Test
    void everyKeyIsShownWrittenOrAsACommentedExample() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(SHIPPED));
        examples(lines).forEach(example -> example.forEach(i -> lines.set(i, uncomment(lines.get(i)))));
        JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(String.join("\n", lines));
        for (String key : ConfigKeys.all()) {
            assertThat(shown(tree, List.of(key.replace("[]", ".[]").split("\\."))))
                    .as("%s in conf/agent.yaml", key)
                    .isTrue();
        }
    }

    /** Whether the path is written under {@code node}; {@code <name>} and {@code []} match any entry. */
    private static boolean shown(JsonNode node, List<String> path) {
        if (path.isEmpty()) {
            return true;
        }
        String part = path.get(0);
        List<String> rest = path.subList(1, path.size());
        if (part.startsWith("<") || part.equals("[]")) {
            for (JsonNode child : node) {
                if (shown(child, rest)) {
                    return true;
                }
            }
            return false;
        }
        return node.has(part) && shown(node.get(part), rest);
    }
}
