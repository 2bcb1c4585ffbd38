package org.kmsagent.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the agent configuration: the YAML file (optional: every key has a default), then {@code KMSAGENT_*}
 * environment variables, then {@code --set key=value} arguments, each overriding the one before; then
 * {@code ${NAME}} references are replaced by environment variables, the result bound to {@link AgentConfig} and
 * validated. Every problem is reported together, each naming its key path. Secrets are never put in messages.
 */
public final class ConfigLoader {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      // A key given twice, or 7688.9 for a port, is a mistake to report, not a value to guess.
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  /** The largest configuration file read (real ones are a few KiB). */
  static final int MAX_FILE_BYTES = 1024 * 1024;
  private final Map<String, String> environment;

  /** A loader over the given environment (pass {@code System.getenv()} in production). */
  public ConfigLoader(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /**
   * Loads and validates.
   *
   * @param file the YAML file, or empty for defaults plus overrides
   * @param sets {@code key=value} overrides from the command line, e.g. {@code bridge.port=9999}
   * @throws ConfigException listing every problem, each naming its key
   */
  public AgentConfig load(Optional<Path> file, List<String> sets) throws ConfigException {
    ObjectNode root = read(file);
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      // Variables that are not config keys (KMSAGENT_TOKEN is ctl's) are not ours to judge.
      ConfigKeys.forEnvironment(e.getKey()).ifPresent(key -> put(root, key, scalar(e.getValue())));
    }
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        errors.add("--set " + set + ": expected key=value");
      } else if (!ConfigKeys.isLeaf(set.substring(0, eq))) {
        errors.add(set.substring(0, eq) + ": unknown key (from --set)");
      } else {
        put(root, set.substring(0, eq), scalar(set.substring(eq + 1)));
      }
    }
    resolveEnvironmentReferences(root, "", errors);
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    AgentConfig config = bind(root);
    List<String> invalid = ConfigValidator.validate(config);
    if (!invalid.isEmpty()) {
      throw new ConfigException(invalid);
    }
    return config;
  }

  private ObjectNode read(Optional<Path> file) throws ConfigException {
    if (file.isEmpty()) {
      return yaml.createObjectNode();
    }
    Path path = file.get();
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(path + ": configuration file not found");
    }
    try {
      JsonNode node = yaml.readTree(org.kmsagent.agent.core.BoundedInput.readText(path, MAX_FILE_BYTES));
      if (node == null || node.isNull() || node.isMissingNode()) {
        return yaml.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException(path + ": expected a mapping of keys at the top level");
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new ConfigException(path + ": not valid YAML at line " + e.getLocation().getLineNr() + ": "
          + org.kmsagent.agent.core.BoundedInput.shown(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read: " + e.getMessage());
    }
  }

  private JsonNode scalar(String text) {
    try {
      JsonNode n = yaml.readTree(text);
      return n == null || n.isMissingNode() ? NullNode.getInstance() : n;
    } catch (JsonProcessingException e) {
      return yaml.getNodeFactory().textNode(text);
    }
  }

  private static void put(ObjectNode root, String dotted, JsonNode value) {
    String[] parts = dotted.split("\\.");
    ObjectNode at = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode next = at.get(parts[i]);
      if (!(next instanceof ObjectNode)) {
        next = at.putObject(parts[i]);
      }
      at = (ObjectNode) next;
    }
    at.set(parts[parts.length - 1], value);
  }

  private void resolveEnvironmentReferences(JsonNode node, String path, List<String> errors) {
    if (node instanceof ObjectNode obj) {
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getValue().isTextual()) {
          resolved(e.getValue().asText(), p, errors).ifPresent(v -> obj.put(e.getKey(), v));
        } else {
          resolveEnvironmentReferences(e.getValue(), p, errors);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        String p = path + "[" + i + "]";
        if (arr.get(i).isTextual()) {
          int at = i;
          resolved(arr.get(i).asText(), p, errors).ifPresent(v -> arr.set(at, arr.textNode(v)));
        } else {
          resolveEnvironmentReferences(arr.get(i), p, errors);
        }
      }
    }
  }

  private Optional<String> resolved(String text, String path, List<String> errors) {
    Matcher m = ENV_REF.matcher(text);
    if (!m.find()) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder();
    m.reset();
    while (m.find()) {
      String value = environment.get(m.group(1));
      if (value == null) {
        errors.add(path + ": environment variable " + m.group(1) + " is not set");
        return Optional.empty();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return Optional.of(out.toString());
  }

  private AgentConfig bind(ObjectNode root) throws ConfigException {
    try {
      return yaml.treeToValue(root, AgentConfig.class);
    } catch (UnrecognizedPropertyException e) {
      List<String> known = new ArrayList<>();
      e.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
      throw new ConfigException(pathOf(e) + ": unknown key (known here: " + String.join(", ", known) + ")");
    } catch (InvalidFormatException e) {
      throw new ConfigException(pathOf(e) + ": expected " + describe(e.getTargetType()) + ", got '"
          + org.kmsagent.agent.core.BoundedInput.shown(String.valueOf(e.getValue())) + "'");
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException(pathOf(e) + ": " + cause.getMessage());
    } catch (MismatchedInputException e) {
      throw new ConfigException(pathOf(e) + ": expected " + describe(e.getTargetType()));
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
      throw new ConfigException(pathOf(e) + ": " + message);
    } catch (JsonProcessingException e) {
      throw new ConfigException("configuration: " + e.getOriginalMessage());
    }
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? "(top level)" : sb.toString();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "a different kind of value";
    }
    if (type == Integer.class || type == int.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping of keys";
    }
    if (type == String.class) {
      return "a text value";
    }
    return "a " + type.getSimpleName();
  }
}
