package org.kmsagent.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Doctor's name resolution keeps to {@code --timeout-ms}: a resolver that never answers (a machine whose DNS
 * server is gone, the case doctor is run for) is reported as such, not waited on.
 */
class NameResolverTest {
    /** Released after each test, so the look-ups left waiting end. */
    private final CountDownLatch dnsDown = new CountDownLatch(1);

    private final NameResolver.Lookup neverAnswers = host -> {
        try {
            dnsDown.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new UnknownHostException(host);
    };

    @AfterEach
    void release() {
        dnsDown.countDown();
    }

    @Test
    void aResolverThatDoesNotAnswerIsReportedAtTheTimeout() {
        NameResolver.Resolution r = new NameResolver(neverAnswers, Duration.ofMillis(1)).resolve("kms.corp.test");

        assertThat(r).isEqualTo(new NameResolver.TimedOut(Duration.ofMillis(1)));
        assertThat(r.failure()).contains("did not resolve within 1 ms (is a DNS server reachable?)");
    }

    @Test
    void anUnknownNameAndAnAddressAreTheResolversAnswers() throws Exception {
        NameResolver knowsNoName = new NameResolver(
                host -> {
                    throw new UnknownHostException(host);
                },
                Duration.ofSeconds(5));
        NameResolver system = new NameResolver(Duration.ofSeconds(5));

        // A name the resolver answers is unknown (as .invalid always is, RFC 6761, asked here of no DNS server); an
        // address literal is taken as is by the system's resolver, without a query.
        assertThat(knowsNoName.resolve("nonsense.invalid").failure()).contains("could not be resolved to an address");
        assertThat(system.resolve("127.0.0.1"))
                .isEqualTo(new NameResolver.Resolved(InetAddress.getByAddress(new byte[] {127, 0, 0, 1})));
    }

    @Test
    void thePortProbeDoesNotConnectToAHostWhoseNameDidNotResolveInTime() {
        PortProbe probe = new PortProbe(Duration.ofMillis(1), new NameResolver(neverAnswers, Duration.ofMillis(1)));

        PortProbe.Outcome o = probe.probe("kms.corp.test", 1688);

        assertThat(o.open()).isFalse();
        assertThat(o.detail()).isEqualTo("host kms.corp.test did not resolve within 1 ms (is a DNS server reachable?)");
    }

    @Test
    void aDnsServerGivenByANameThatDoesNotResolveInTimeIsNotAsked() throws Exception {
        try (LoopbackDnsServer dns = new LoopbackDnsServer()) {
            KmsSrvLookup lookup = new KmsSrvLookup(
                    Optional.of(InetSocketAddress.createUnresolved(
                            "dns.corp.test", dns.socketAddress().getPort())),
                    1,
                    new NameResolver(neverAnswers, Duration.ofMillis(1)));

            assertThat(lookup.serverProblem())
                    .contains("the DNS server name 'dns.corp.test' given with --dns-server did not resolve within 1 ms"
                            + " (is a DNS server reachable?)");
            assertThat(dns.queries()).isZero();
        }
    }

    @Test
    void aDnsServerGivenByANameIsAskedAtTheAddressItResolvedTo() throws Exception {
        try (LoopbackDnsServer dns = new LoopbackDnsServer()) {
            InetAddress loopback = InetAddress.getByAddress("dns.corp.test", new byte[] {127, 0, 0, 1});
            KmsSrvLookup lookup = new KmsSrvLookup(
                    Optional.of(InetSocketAddress.createUnresolved(
                            "dns.corp.test", dns.socketAddress().getPort())),
                    2000,
                    new NameResolver(host -> loopback, Duration.ofSeconds(5)));

            assertThat(lookup.serverProblem()).isEmpty();
            assertThat(lookup.lookup("empty.test").detail()).contains("does not exist");
            assertThat(dns.queries()).isPositive();
        }
    }
}
