package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code fleet.caFile}, the agent trusts a hub whose certificate that CA issued, for the name it dials, and no
 * other: read by the reader the configuration's check uses, so a file the check accepts is one the link can use.
 */
class FleetCaFileTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void aHubCertificateFromTheCaIsTrustedForTheNameItWasIssuedForOnly() throws Exception {
        // A self-signed certificate is its own CA: the hub's for localhost, and another CA's.
        SelfSignedCertificate hub = SelfSignedCertificate.create("localhost");
        SelfSignedCertificate other = SelfSignedCertificate.create("localhost");
        Path ca = Files.copy(Path.of(hub.certificatePath()), dir.resolve("hub-ca.pem"));
        Path otherCa = Files.copy(Path.of(other.certificatePath()), dir.resolve("other-ca.pem"));
        NetServer server = vertx.createNetServer(new NetServerOptions()
                        .setHost("127.0.0.1")
                        .setPort(0)
                        .setSsl(true)
                        .setKeyCertOptions(hub.keyCertOptions()))
                .connectHandler(s -> s.write("hello"))
                .listen()
                .await(30, TimeUnit.SECONDS);
        int port = server.actualPort();

        NetSocket trusted = vertx.createNetClient(FleetLink.clientOptions(List.of(), ca.toString()))
                .connect(port, "localhost")
                .await(30, TimeUnit.SECONDS);
        assertThat(trusted.isSsl()).isTrue();
        trusted.close();
        // The host name is checked: the certificate names localhost, not the address.
        assertThatThrownBy(() -> vertx.createNetClient(FleetLink.clientOptions(List.of(), ca.toString()))
                        .connect(port, "127.0.0.1")
                        .await(30, TimeUnit.SECONDS))
                .isNotNull();
        assertThatThrownBy(() -> vertx.createNetClient(FleetLink.clientOptions(List.of(), otherCa.toString()))
                        .connect(port, "localhost")
                        .await(30, TimeUnit.SECONDS))
                .isNotNull();
    }
}
