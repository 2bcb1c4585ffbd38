package org.kmsagent.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.testsupport.LabFixtures;

/**
 * A machine and its port are shown as the options and configuration keys read them back: an IPv6 address in
 * brackets. Written bare, {@code fe80::1:1688} is what {@code ctl set-kms} and {@code renewal.kms} refuse as
 * ambiguous.
 */
class AddressTextTest {
    @Test
    void anIpv6AddressIsBracketedAndAnyOtherHostIsNot() {
        assertThat(AddressText.of("::1", 7688)).isEqualTo("[::1]:7688");
        assertThat(AddressText.of("fe80::1%eth0", 1688)).isEqualTo("[fe80::1%eth0]:1688");
        assertThat(AddressText.of("127.0.0.1", 9443)).isEqualTo("127.0.0.1:9443");
        assertThat(AddressText.of("kms01.corp.example", 1688)).isEqualTo("kms01.corp.example:1688");
    }

    @Test
    void aNameThatDoesNotResolveIsSaidToBeOneNotJustNamed() {
        // ctl printed "cannot talk to the hub at hub-a.invalid:7688: hub-a.invalid", Netty's resolver's whole message.
        String said = "unknown host hub-a.invalid (the name does not resolve here: check it, or give an IP address)";
        assertThat(AddressText.connectFailure(new UnknownHostException("hub-a.invalid")))
                .isEqualTo(said);
        assertThat(AddressText.connectFailure(new UnknownHostException("hub-a.invalid: Name or service not known")))
                .isEqualTo(said);
        assertThat(AddressText.connectFailure(new IOException("failed", new UnknownHostException("hub-a.invalid"))))
                .isEqualTo(said);
        assertThat(AddressText.connectFailure(new IOException("Connection refused: /127.0.0.1:7688")))
                .isEqualTo("Connection refused: /127.0.0.1:7688");
    }

    @Test
    void aServerThatCannotListenOnAnIpv6AddressNamesItInBrackets() {
        assertThat(new CannotListen("bridge", "::", 7688, new BindException("Address already in use")))
                .hasMessage("bridge: cannot listen on [::]:7688: address already in use");
    }

    @Test
    void aSimulatedMachinePinnedToAnUnreachableIpv6HostSaysWhichInBrackets(@TempDir Path dir) throws IOException {
        // Before: "no KMS host answered (fe80::1:1688 did not answer)", the very form the scenario itself refuses.
        Path scenario = dir.resolve("v6.yaml");
        Files.writeString(scenario, """
        days: 1
        machines:
          - name: pc-{n}
            count: 1
            family: windows-client
            edition: Windows 10 Pro
            kms: "[fe80::1]"
        """);
        LabFixtures.Run run = LabFixtures.simulate(scenario.toString());
        assertThat(run.lines())
                .anyMatch(
                        l -> l.contains("pc-01") && l.endsWith("no KMS host answered ([fe80::1]:1688 did not answer)"))
                .noneMatch(l -> l.contains("fe80::1:1688"));
    }
}
