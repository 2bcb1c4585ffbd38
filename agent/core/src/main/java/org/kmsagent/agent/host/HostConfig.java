package org.kmsagent.agent.host;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.ProductGroup;

/**
 * What one modelled KMS host is: its name, the host keys (CSVLKs) installed on it, the Office license packs it holds
 * and its settings.
 *
 * @param name the host's name, as clients record it
 * @param hostKeys the host keys it holds; together they decide which product groups it serves (docs/kms-rules.md §3)
 * @param licensePacks names of the license packs it holds ({@link org.kmsagent.api.LicensePack#name()})
 * @param settings intervals, port and DNS publishing
 */
public record HostConfig(String name, List<HostKey> hostKeys, Set<String> licensePacks, HostSettings settings) {
  public HostConfig {
    Objects.requireNonNull(name, "host name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("host name: must not be blank");
    }
    hostKeys = List.copyOf(hostKeys);
    licensePacks = Set.copyOf(licensePacks);
    Objects.requireNonNull(settings, "host settings");
  }

  /** A host with default settings. */
  public static HostConfig of(String name, List<HostKey> hostKeys, Set<String> licensePacks) {
    return new HostConfig(name, hostKeys, licensePacks, HostSettings.defaults());
  }

  public HostConfig withSettings(HostSettings newSettings) {
    return new HostConfig(name, hostKeys, licensePacks, newSettings);
  }

  /**
   * Whether the host can use that key: an Office host key can only be installed once its license pack is on the host
   * (docs/kms-rules.md §3.3); Windows host keys need no pack.
   */
  public boolean canUse(HostKey key) {
    return key.licensePack().map(licensePacks::contains).orElse(true);
  }

  /** Whether some usable host key activates that product group (docs/kms-rules.md §3.1, §3.2, §3.3). */
  public boolean serves(ProductGroup group) {
    for (HostKey key : hostKeys) {
      if (key.activates(group) && canUse(key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why the host does not serve that product group, for diagnosis ({@code 0xC004F042} carries no reason): a key that
   * would activate it lacks its license pack, or no key activates it (the host key is too old or of another
   * product). Empty when the host serves it.
   */
  public Optional<String> whyNotServed(ProductGroup group) {
    if (serves(group)) {
      return Optional.empty();
    }
    Optional<HostKey> packless = hostKeys.stream().filter(k -> k.activates(group)).findFirst();
    if (packless.isPresent()) {
      return Optional.of("host " + name + " lacks the license pack '" + packless.get().licensePack().orElseThrow()
          + "' that host key '" + packless.get().name() + "' needs to serve " + group.name());
    }
    return Optional.of("no host key on host " + name + " activates " + group.name()
        + (hostKeys.isEmpty() ? " (it holds none)"
            : " (it holds " + hostKeys.stream().map(HostKey::name).toList() + ")"));
  }
}
