package org.kmsagent.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.api.HResult;

/** The SRV lookup against a real DNS server on loopback. */
class KmsSrvLookupTest {
    private LoopbackDnsServer dns;
    private KmsSrvLookup lookup;

    @BeforeEach
    void start() throws Exception {
        dns = new LoopbackDnsServer();
        lookup = new KmsSrvLookup(Optional.of(dns.socketAddress()), 2000);
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
    }

    @Test
    void findsThePublishedRecordsInPriorityOrder() {
        dns.srv(
                "_vlmcs._tcp.corp.test",
                new SrvRecord(10, 0, 1688, "kms2.corp.test"),
                new SrvRecord(0, 100, 1700, "kms1.corp.test"));

        SrvAnswer a = lookup.lookup("corp.test");

        assertThat(a.error()).isEmpty();
        assertThat(a.name()).isEqualTo("_vlmcs._tcp.corp.test");
        assertThat(a.records())
                .containsExactly(
                        new SrvRecord(0, 100, 1700, "kms1.corp.test"), new SrvRecord(10, 0, 1688, "kms2.corp.test"));
        assertThat(dns.queries()).isPositive();
    }

    @Test
    void aMissingRecordIsNameErrorAsAKmsClientReportsIt() {
        SrvAnswer a = lookup.lookup("empty.test");

        assertThat(a.records()).isEmpty();
        assertThat(a.error()).contains(HResult.DNS_ERROR_RCODE_NAME_ERROR);
        assertThat(a.detail()).contains("does not exist");
    }
}
