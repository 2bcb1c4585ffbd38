package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every key that names a machine follows one rule (HostPort): what renewal.kms refuses, fleet.hubs refuses too, at
 * start, rather than warning on every reconnect; an address to bind must be a host name or an IP address.
 */
class HostAddressesTest {
    /** The errors for these {@code --set} overrides, each naming {@code --set} as where its value was given. */
    private static List<String> errors(String... sets) {
        try {
            new ConfigLoader(Map.of()).load(Optional.empty(), List.of(sets));
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("accepted: " + List.of(sets));
    }

    @Test
    void aHubWithASpaceInItsHostIsRefusedAsTheKmsHostIs() {
        assertThat(errors("fleet.hubs=[\"bad host:1\"]", "fleet.trust=[" + "AB".repeat(32) + "]"))
                .containsExactly(
                        "--set fleet.hubs[0]: expected host:port, got 'bad host:1' (a host name has no spaces or "
                                + "control characters)");
        assertThat(errors("renewal.kms=\"bad host:1\""))
                .containsExactly("--set renewal.kms: expected host, host:port, [IPv6]:port, dns or dns:domain, got "
                        + "'bad host:1' (a host name has no spaces or control characters)");
    }

    @Test
    void aHubWithoutAPortOrWithAPortOutOfRangeIsRefused() {
        String trust = "fleet.trust=[" + "AB".repeat(32) + "]";
        assertThat(errors("fleet.hubs=[hub-a, \"hub-b:70000\", \"::1:7688\"]", trust))
                .containsExactly(
                        "--set fleet.hubs[0]: expected host:port, got 'hub-a' (the port is missing)",
                        "--set fleet.hubs[1]: expected host:port, got 'hub-b:70000' (port: expected a whole number 1-65535, got 70000)",
                        "--set fleet.hubs[2]: expected host:port, got '::1:7688' (an IPv6 address with a port is written "
                                + "[address]:port)");
    }

    @Test
    void anAddressToBindMustBeAHostNameOrAnIpAddress() {
        assertThat(errors("metrics.host=999.1.1.1", "bridge.host=\"my host\"", "dashboard.host=10.1.2"))
                .containsExactlyInAnyOrder(
                        "--set metrics.host: expected a host name or an IP address, got '999.1.1.1' (each number of an "
                                + "IPv4 address is 0-255)",
                        "--set bridge.host: expected a host name or an IP address, got 'my host' (a host name has no "
                                + "spaces or control characters)",
                        "--set dashboard.host: expected a host name or an IP address, got '10.1.2' (an IPv4 address has "
                                + "four numbers)");
    }

    @Test
    void aListOfKmsHostsIsRefusedAsAListWithTheWayToGiveSeveral() {
        // What an MSI's KMS=kms1:1688,kms2:1688 lands as: the IPv6 hint the colons used to bring was no help.
        assertThat(errors("renewal.kms=\"kms1.corp.example:1688,kms2.corp.example:1688\""))
                .containsExactly("--set renewal.kms: expected host, host:port, [IPv6]:port, dns or dns:domain, got "
                        + "'kms1.corp.example:1688,kms2.corp.example:1688' (one KMS endpoint, not a list: Windows keeps"
                        + " one KMS host per product; to use several, publish each as a _vlmcs._tcp SRV record and give"
                        + " dns (or dns:domain))");
    }

    @Test
    void aKmsHostGivenAsABareIpv6AddressIsRefusedAsAmbiguousAsOnTheCommandLine() {
        // fe80::1:1688 is the address fe80::1 on port 1688 as much as fe80::1:1688 on 1688; it used to be read as the
        // latter here while ctl set-kms refused it. The refusal writes each reading the text has in brackets, not an
        // example address the administrator did not type.
        assertThat(errors("renewal.kms=\"fe80::1:1688\"", "renewal.families.office2013.kms=\"::1\""))
                .containsExactly(
                        "--set renewal.kms: expected host, host:port, [IPv6]:port, dns or dns:domain, got "
                                + "'fe80::1:1688' (an IPv6 address without brackets is ambiguous: write "
                                + "[fe80::1]:1688 for port 1688, or [fe80::1:1688] for the default port 1688)",
                        "--set renewal.families.office2013.kms: expected host, host:port, [IPv6]:port, dns or "
                                + "dns:domain, got '::1' (an IPv6 address is written in brackets: [::1])");
    }

    @Test
    void aBareIpv6AddressWithOneReadingIsShownThatReadingInBrackets() {
        // Eight groups leave no room for a port; a trailing colon is neither reading, so an example is shown.
        assertThat(HostPort.ambiguity("2001:db8:0:0:0:0:0:1", 1688))
                .hasValue("an IPv6 address is written in brackets: [2001:db8:0:0:0:0:0:1]");
        assertThat(HostPort.ambiguity("fe80::1:abcd:", 1688))
                .hasValue("an IPv6 address is written in brackets, its port after them: [::1]:1688");
        assertThat(HostPort.ambiguity("[fe80::1]:1688", 1688)).isEmpty();
        assertThat(HostPort.ambiguity("kms01:1688", 1688)).isEmpty();
    }

    @Test
    void usualAddressesAreAccepted() throws Exception {
        AgentConfig c = new ConfigLoader(Map.of())
                .load(
                        Optional.empty(),
                        List.of(
                                "fleet.hubs=[\"hub-a.corp.example:7688\", \"[::1]:7688\", \"10.0.0.5:7688\"]",
                                "fleet.trust=[" + "AB".repeat(32) + "]",
                                "bridge.host=\"::\"",
                                "metrics.host=0.0.0.0",
                                "dashboard.host=localhost",
                                "renewal.kms=\"[fe80::1]:1688\"",
                                "renewal.families.office2013.kms=\"dns:corp.example\"",
                                "renewal.families.office2010.kms=\"[::1]\""));
        assertThat(c.fleet().hubs()).hasSize(3);
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Optional.empty(), List.of("renewal.kms=\"dns:a b\"")))
                .hasMessageContaining("--set renewal.kms: expected host, host:port");
    }

    @Test
    void aLookupDomainFollowsTheDomainRuleWhereverItIsWritten() {
        assertThat(HostPort.domainProblem("corp.example")).isEmpty();
        assertThat(HostPort.domainProblem("corp-2.example.")).isEmpty();
        assertThat(HostPort.domainProblem("a".repeat(63) + ".example")).isEmpty();
        // DNS allows '_' in a label, and some internal zones use it: accepted as it always was.
        assertThat(HostPort.domainProblem("branch_1.corp.example")).isEmpty();
        for (String bad : List.of("bad domain!", "a b", "corp..example", ".corp", "a".repeat(64))) {
            assertThat(HostPort.domainProblem(bad)).as(bad).hasValue(HostPort.DOMAIN_RULE);
        }
        assertThat(HostPort.domainProblem(("a".repeat(62) + ".").repeat(4) + "ab"))
                .as("254 characters")
                .hasValue(HostPort.DOMAIN_RULE);
        assertThat(errors("renewal.kms=\"dns:bad!\""))
                .containsExactly("--set renewal.kms: expected host, host:port, [IPv6]:port, dns or dns:domain, got "
                        + "'dns:bad!' (the lookup domain after 'dns:': " + HostPort.DOMAIN_RULE + ")");
    }

    @Test
    void aMachineTypedAfterAnOptionIsReadWithItsPortOrTheDefault() {
        assertThat(HostPort.typed("--agent", "hub-a.corp.example:7688", 9443))
                .isEqualTo(new HostPort.Address("hub-a.corp.example", 7688));
        assertThat(HostPort.typed("--agent", " localhost ", 9443)).isEqualTo(new HostPort.Address("localhost", 9443));
        // The host without its brackets, as a socket wants it; printed back with them.
        assertThat(HostPort.typed("--agent", "[::1]:9999", 9443)).isEqualTo(new HostPort.Address("::1", 9999));
        assertThat(HostPort.typed("--dns-server", "[fe80::1]", 53))
                .hasToString("[fe80::1]:53")
                .isEqualTo(new HostPort.Address("fe80::1", 53));
    }

    @Test
    void aMachineTypedAfterAnOptionIsRefusedNamingTheOptionTheValueAndWhatIsWrong() {
        assertThatThrownBy(() -> HostPort.typed("--agent", "::1:9443", 9443))
                .hasMessage("--agent: expected HOST, HOST:PORT or [IPv6]:PORT, got '::1:9443' (an IPv6 address without"
                        + " brackets is ambiguous: write [::1]:9443 for port 9443, or [::1:9443] for the default port"
                        + " 9443)");
        assertThatThrownBy(() -> HostPort.typed("--agent", "[::1", 9443))
                .hasMessageEndingWith("got '[::1' (missing ']' after an IPv6 address)");
        assertThatThrownBy(() -> HostPort.typed("--agent", "-x:9", 9443))
                .hasMessageEndingWith(
                        "got '-x:9' (a host name is letters, digits, '-' and '_' between dots, no part starting with '-')");
        // Every character right, one part too long for DNS: it was refused for its characters.
        String longLabel = "k".repeat(80);
        assertThatThrownBy(() -> HostPort.typed("--agent", longLabel + ".corp.example", 9443))
                .hasMessageEndingWith(
                        "(each part of a host name between dots has at most 63 characters, and one has 80)");
        assertThatThrownBy(() -> HostPort.typed("--agent", "kms..corp.example", 9443))
                .hasMessageEndingWith("(a host name has no empty part between dots)");
        assertThatThrownBy(() -> HostPort.typed("--dns-server", "10.0.0.53:99999", 53))
                .hasMessageEndingWith("got '10.0.0.53:99999' (port: expected a whole number 1-65535, got 99999)");
        assertThatThrownBy(() -> HostPort.typed("--dns-server", "10.0.0.53:", 53))
                .hasMessageStartingWith("--dns-server: expected HOST");
    }
}
