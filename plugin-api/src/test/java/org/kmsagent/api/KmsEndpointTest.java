package org.kmsagent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class KmsEndpointTest {
    @Test
    void aHostWithoutPortUses1688() {
        assertThat(KmsEndpoint.parse("kms.corp.example")).isEqualTo(new KmsEndpoint.Pinned("kms.corp.example", 1688));
    }

    @Test
    void parsesHostPortIpv6AndDiscovery() {
        assertThat(KmsEndpoint.parse("kms:1700")).isEqualTo(new KmsEndpoint.Pinned("kms", 1700));
        assertThat(KmsEndpoint.parse("[::1]:1689")).isEqualTo(new KmsEndpoint.Pinned("::1", 1689));
        assertThat(KmsEndpoint.parse("dns")).isEqualTo(new KmsEndpoint.Discovery(Optional.empty()));
        assertThat(KmsEndpoint.parse("dns:corp.example"))
                .isEqualTo(new KmsEndpoint.Discovery(Optional.of("corp.example")));
    }

    @Test
    void badPortsAreNamed() {
        assertThatThrownBy(() -> KmsEndpoint.parse("kms:99999")).hasMessageContaining("1-65535");
        assertThatThrownBy(() -> KmsEndpoint.parse("kms:abc")).hasMessageContaining("port is not a number");
    }
}
