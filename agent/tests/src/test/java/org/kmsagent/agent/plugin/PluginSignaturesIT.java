package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a trust store, real plugin jars signed with keytool-made keys load only when wholly signed by a trusted key;
 * every other jar is refused by name with its reason, and the trusted ones still load and serve.
 */
class PluginSignaturesIT {
    private static final String OFFICE2013_CATALOG = "org/kmsagent/plugins/office2013/catalog.json";

    @TempDir
    static Path keys;

    static SigningKeys trustedKey;
    static SigningKeys strangerKey;
    static Path trustStore;

    @TempDir
    Path dir;

    private PluginHost host;

    @BeforeAll
    static void makeKeys() throws Exception {
        trustedKey = SigningKeys.generate(keys, "Fleet Admins");
        strangerKey = SigningKeys.generate(keys, "Stranger");
        trustStore = trustedKey.trustStore(keys, "plugin-trust.p12");
    }

    @AfterEach
    void close() {
        if (host != null) {
            host.close();
        }
    }

    private PluginHost host(PluginSignatures signatures) {
        host = new PluginHost(dir, new FamilyRegistry(), new CatalogReader(), signatures);
        return host;
    }

    private static PluginSignatures trusting() throws Exception {
        return PluginSignatures.trusting(trustStore, SigningKeys.PASSWORD.toCharArray());
    }

    private Path copy(String family) throws Exception {
        Files.createDirectories(dir);
        Path jar = PluginJars.built(family);
        return Files.copy(jar, dir.resolve(jar.getFileName()));
    }

    private Set<String> loadedIds() {
        return host.registry().families().stream().map(LoadedFamily::id).collect(Collectors.toSet());
    }

    private String reasonFor(Path jar) {
        return host.problems().stream()
                .filter(p -> p.jar().getFileName().equals(jar.getFileName()))
                .map(PluginProblem::message)
                .findFirst()
                .orElse("(no problem reported for " + jar.getFileName() + ")");
    }

    @Test
    void onlyJarsWhollySignedByATrustedKeyLoadTheOthersAreRefusedByNameWithTheReason() throws Exception {
        Path trusted = copy("office2013");
        trustedKey.sign(trusted);
        Path unsigned = copy("windows-client");
        Path stranger = copy("office2010");
        strangerKey.sign(stranger);
        // Signed by the trusted key, then its catalog edited: the entry no longer matches its signed digest.
        Path signedThenEdited = keys.resolve("office2016-signed.jar");
        Files.copy(PluginJars.built("office2016"), signedThenEdited);
        trustedKey.sign(signedThenEdited);
        Path tampered = PluginJars.variant(
                signedThenEdited,
                dir.resolve("office2016-tampered.jar"),
                Map.of("org/kmsagent/plugins/office2016/catalog.json", "{}".getBytes(StandardCharsets.UTF_8)),
                Map.of());
        // Signed by the trusted key, then a class file added that no signature covers.
        Path signedThenExtended = keys.resolve("office2019-signed.jar");
        Files.copy(PluginJars.built("office2019"), signedThenExtended);
        trustedKey.sign(signedThenExtended);
        Path partly = PluginJars.variant(
                signedThenExtended,
                dir.resolve("office2019-partly.jar"),
                Map.of("org/kmsagent/plugins/office2019/Extra.class", new byte[] {1, 2, 3}),
                Map.of());

        host(trusting()).rescan();

        assertThat(loadedIds()).containsExactly("office2013");
        assertThat(host.registry().family("office2013").orElseThrow().catalog().skus())
                .isNotEmpty();
        assertThat(host.problems()).hasSize(4);
        // Named by the plugin id of their manifests, as every refusal is (read from the manifest: no class loaded).
        assertThat(reasonFor(unsigned))
                .startsWith(unsigned.getFileName() + " (plugin windows-client): refused: not signed");
        assertThat(reasonFor(stranger))
                .contains("refused: signed by CN=Stranger, a key plugins.trustStore does not " + "trust");
        assertThat(reasonFor(tampered))
                .contains("refused: org/kmsagent/plugins/office2016/catalog.json was changed "
                        + "after the jar was signed");
        assertThat(reasonFor(partly))
                .contains("refused: partly signed: 1 entry is not covered by its signature "
                        + "(org/kmsagent/plugins/office2019/Extra.class)");
        assertThat(host.problems()).allSatisfy(p -> assertThat(p.pluginId()).isPresent());
    }

    @Test
    void aRefusedJarSignedAfterwardsLoadsOnTheNextRescan() throws Exception {
        Path jar = copy("office2013");
        host(trusting()).rescan();
        assertThat(loadedIds()).isEmpty();
        assertThat(reasonFor(jar)).contains("refused: not signed");

        trustedKey.sign(jar);
        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2_000));
        host.rescan();

        assertThat(loadedIds()).containsExactly("office2013");
        assertThat(host.problems()).isEmpty();
    }

    @Test
    void withoutATrustStoreUnsignedJarsLoadAsBeforeAndTheBannerLineSaysSignaturesAreNotChecked() throws Exception {
        copy("office2013");
        host(PluginSignatures.notChecked()).rescan();
        assertThat(loadedIds()).containsExactly("office2013");
        assertThat(host.signatures().describe())
                .isEqualTo("plugin signatures not checked (plugins.trustStore is not " + "set)");
    }

    @Test
    void aConfiguredTrustStoreThatCannotBeReadRefusesEveryJarRatherThanLoadingUnchecked() throws Exception {
        Path jar = copy("office2013");
        trustedKey.sign(jar);
        host(PluginSignatures.configured(trustStore.toString(), "wrong password"))
                .rescan();
        assertThat(loadedIds()).isEmpty();
        assertThat(reasonFor(jar)).contains("refused: plugins.trustStore " + trustStore + " cannot be read");
    }
}
