package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plugins.trustStore is checked when the configuration is read, each problem named with its file and line. */
class PluginTrustConfigTest {
    @TempDir
    Path dir;

    private List<String> errors(String yaml, Map<String, String> env) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), yaml);
        try {
            new ConfigLoader(env).load(Optional.of(file), List.of());
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected a configuration error");
    }

    private Path emptyStore(String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        Path p = dir.resolve("empty.p12");
        try (OutputStream out = Files.newOutputStream(p)) {
            ks.store(out, password.toCharArray());
        }
        return p;
    }

    @Test
    void aMissingTrustStoreIsAnErrorNamingFileAndLine() throws Exception {
        Path missing = dir.resolve("nowhere.p12");
        assertThat(errors("licensing: simulated\nplugins:\n  trustStore: " + missing + "\n", Map.of()))
                .containsExactly(dir.resolve("agent.yaml") + ":3: plugins.trustStore: cannot read file " + missing);
    }

    @Test
    void aWrongPasswordOrAStoreWithoutCertificatesIsAnErrorNamingTheLine() throws Exception {
        Path store = emptyStore("right-password");
        String yaml = "plugins:\n  trustStore: " + store + "\n  trustStorePassword: ${PW}\n";
        assertThat(errors(yaml, Map.of("PW", "wrong-password")))
                .singleElement()
                .asString()
                .startsWith(dir.resolve("agent.yaml") + ":2: plugins.trustStore: " + store
                        + ": cannot open it as a PKCS#12 trust store")
                .doesNotContain("wrong-password");
        assertThat(errors(yaml, Map.of("PW", "right-password")))
                .singleElement()
                .asString()
                .contains(":2: plugins.trustStore: " + store + ": holds no certificate");
    }

    @Test
    void aPasswordWithoutAStoreIsAnError() throws Exception {
        assertThat(errors("plugins:\n  trustStorePassword: x\n", Map.of()))
                .singleElement()
                .asString()
                .endsWith(":2: plugins.trustStorePassword: given without plugins.trustStore");
    }

    @Test
    void theTrustStorePasswordIsNeverShown() {
        assertThat(new PluginsConfig("a.p12", "secret-pw").toString()).doesNotContain("secret-pw");
    }
}
