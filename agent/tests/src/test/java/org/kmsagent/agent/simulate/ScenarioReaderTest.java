package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.KmsEndpoint;

class ScenarioReaderTest {
    private static final String FLEET =
            "machines:\n  - name: pc-{n}\n    family: windows-client\n" + "    edition: Windows 10 Pro\n";

    @Test
    void defaultHostHoldsTheNewestWindowsKeyAndEveryLoadedPackWithItsOfficeKey() throws Exception {
        Scenario s = new ScenarioReader(TestFamilies.all()).parse("t", FLEET, true);
        assertThat(s.host().hostKeys())
                .extracting(HostKey::name)
                .containsExactlyInAnyOrder(
                        "Windows Server 2025 CSVLK",
                        "Office 2010 KMS host key",
                        "Office 2013 KMS host key",
                        "Office 2016 KMS host key",
                        "Office 2019 KMS host key",
                        "Office LTSC 2021 KMS host key",
                        "Office LTSC 2024 KMS host key");
        assertThat(s.host().licensePacks())
                .containsExactlyInAnyOrder(
                        "Office 2010 KMS Host License Pack",
                        "Office 2013 Volume License Pack",
                        "Office 2016 Volume License Pack",
                        "Office 2019 Volume License Pack",
                        "Office LTSC 2021 Volume License Pack",
                        "Office LTSC 2024 Volume License Pack");
        assertThat(s.host().activationInterval()).isEqualTo(Duration.ofMinutes(120));
        assertThat(s.host().renewalInterval()).isEqualTo(Duration.ofMinutes(10_080));
        assertThat(s.host().port()).isEqualTo(1688);
        assertThat(s.groups().get(0).endpoint()).isEqualTo(KmsEndpoint.discovery());
        assertThat(s.groups().get(0).hostCaching()).isTrue();
        assertThat(s.length()).isEqualTo(Duration.ofDays(90));
        assertThat(s.seed()).isEqualTo(1);
    }

    @Test
    void withOnlyTheClientPluginTheHostGetsTheNewestClientKeyAndNoPack() throws Exception {
        Scenario s = new ScenarioReader(List.of(TestFamilies.byId("windows-client"))).parse("t", FLEET, true);
        assertThat(s.host().hostKeys()).extracting(HostKey::name).containsExactly("Windows 10 client CSVLK");
        assertThat(s.host().licensePacks()).isEmpty();
    }

    @Test
    void durationsAcceptUnitsCombinationsIsoAndSignButNotBareNumbers() {
        assertThat(Durations.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(Durations.parse("1d 6h 30m"))
                .isEqualTo(Duration.ofDays(1).plusHours(6).plusMinutes(30));
        assertThat(Durations.parse("-4h1m")).isEqualTo(Duration.ofHours(-4).minusMinutes(1));
        assertThat(Durations.parse("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("0")).isZero();
        assertThatThrownBy(() -> Durations.parse("120")).hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> Durations.parse("2 weeks")).hasMessageContaining("is not a duration");
        assertThat(Durations.format(Duration.ofDays(1).plusMinutes(5))).isEqualTo("1d 5m");
    }

    @Test
    void machineNamesAreNumberedWithLeadingZeros() throws Exception {
        Scenario s = new ScenarioReader(TestFamilies.all())
                .parse(
                        "t",
                        "machines:\n  - name: pc-{n}\n    count: 120\n    family: windows-client\n    edition: Windows 10 Pro\n"
                                + "  - name: lab\n    count: 2\n    family: windows-client\n    edition: Windows 10 Pro\n",
                        true);
        assertThat(s.groups().get(0).machineName(0)).isEqualTo("pc-001");
        assertThat(s.groups().get(0).machineName(119)).isEqualTo("pc-120");
        assertThat(s.groups().get(1).machineName(1)).isEqualTo("lab-02");
    }

    @Test
    void aGvlkGivenAsMakAndDuplicateGroupNamesAreRefused() {
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all())
                        .parse(
                                "t",
                                FLEET + FLEET.substring(10)
                                        + "makFallback:\n  windows-client:\n    key: W269N-WFGWX-YVC9B-4J6C9-T83GX\n",
                                true))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining(
                        "field 'makFallback.windows-client.key': XXXXX-XXXXX-XXXXX-XXXXX-T83GX is a public GVLK")
                .hasMessageContaining(
                        "field 'machines[1].name': 'pc-{n}' gives machine pc-01, which machines[0] ('pc-{n}',"
                                + " count 1) gives too; machine names must be unique")
                .hasMessageNotContaining("W269N");
    }

    private static String group(String name, int count) {
        return "  - name: " + name + "\n    count: " + count + "\n    family: windows-client\n"
                + "    edition: Windows 10 Pro\n";
    }

    @Test
    void twoGroupsGivingOneMachineNameAreRefusedAtTheLaterGroupWithTheNameAndBothGroups() {
        // 'pc' x 3 gives pc-01 .. pc-03: a group named pc-02 is a second machine pc-02 (its pattern differs).
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all())
                        .parse("site.yaml", "machines:\n" + group("pc", 3) + group("pc-02", 1), true))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("site.yaml: line 6, column 11: field 'machines[1].name': 'pc-02' gives machine pc-02,"
                        + " which machines[0] ('pc', count 3) gives too; machine names must be unique");
        // Windows ignores letter case in a computer name.
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all())
                        .parse("t", "machines:\n" + group("lab-{n}", 120) + group("x", 1) + group("LAB-1{n}", 2), true))
                .hasMessageContaining("field 'machines[2].name': 'LAB-1{n}' gives machine LAB-101, which machines[0]"
                        + " ('lab-{n}', count 120) gives too (as lab-101: Windows ignores letter case); machine names"
                        + " must be unique")
                .hasMessageNotContaining("machines[1]");
    }

    @Test
    void groupsWhoseNamesDifferAreAcceptedHoweverAlikeTheirPatterns() throws Exception {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        // pc-01 .. pc-03 and pc-04; pc and pc-01, pc-02; pc-01 .. pc-09 and pc-001 .. pc-100; pc-001 .. pc-150 and
        // pc-201 .. pc-210.
        for (String fleet : List.of(
                group("pc", 3) + group("pc-04", 1),
                group("pc", 1) + group("pc", 2),
                group("pc-{n}", 9) + group("pc-{n}", 100),
                group("pc-{n}", 150) + group("pc-2{n}", 10))) {
            assertThat(reader.parse("t", "machines:\n" + fleet, true).groups()).hasSize(2);
        }
    }

    @Test
    void namesOfGroupsOfHundredsOfThousandsAreComparedWithoutListingThem() throws Exception {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        // x000001 .. x500000 and x900001 .. x999999 do not meet; x100001 is both x{n}'s and x1{n}'s.
        assertThat(reader.parse("t", "machines:\n" + group("x{n}", 500_000) + group("x9{n}", 99_999), true)
                        .groups())
                .hasSize(2);
        assertThatThrownBy(
                        () -> reader.parse("t", "machines:\n" + group("x{n}", 500_000) + group("x1{n}", 99_999), true))
                .hasMessageContaining("'x1{n}' gives machine x100001, which machines[0] ('x{n}', count 500000)");
    }

    @Test
    void aYamlSyntaxErrorIsSaidWhereItIsNotAtTheFieldBeforeIt() {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() -> reader.parse("t", "name: x\nseed 7\ndays: 5\n", true))
                .hasMessage("t: line 2, column 1: 'seed 7' has no ':' after its key");
        assertThatThrownBy(() -> reader.parse("t", FLEET.replace("family:", "family"), true))
                .hasMessage("t: line 3, column 5: 'family windows-client' has no ':' after its key");
        // A file cut short: in a key, in a quoted value, in a bracket.
        assertThatThrownBy(() -> reader.parse("t", "name: x\nmachines:\n  - name: pc\n    fam", true))
                .hasMessage("t: line 4, column 5: 'fam' has no ':' after its key; the file ends there: is the file"
                        + " cut short?");
        assertThatThrownBy(() -> reader.parse("t", "name: \"Branch off", true))
                .hasMessage("t: line 1, column 7: the quote opened here is not closed before the file ends: is the"
                        + " file cut short?");
        assertThatThrownBy(() -> reader.parse("t", "name: x\nmachines:\n  - {name: pc, count: 3", true))
                .hasMessage("t: line 3, column 5: the '{' opened here is not closed before the file ends: is the file"
                        + " cut short?");
        // Any other at the parser's problem mark, in its words, without the field before.
        assertThatThrownBy(() -> reader.parse("t", "name: x\n@days: 5\n", true))
                .hasMessageStartingWith("t: line 2, column 1: found character '@' that cannot start any token")
                .hasMessageNotContaining("field 'name'");
        // A character YAML refuses outright, at itself, not at the file's start.
        assertThatThrownBy(() -> reader.parse("t", "name: x\nseed: \"a\u0001b\"\n", true))
                .hasMessage("t: line 2, column 9: the control character U+0001 may not be in a YAML file; remove it");
    }

    @Test
    void aBadMakKeyDoesNotHideTheOtherProblemsOfItsEntry() {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        for (String key : List.of("ABCDE-ABCDE-ABCDE-ABCDE-ABCDE", "W269N-WFGWX-YVC9B-4J6C9-T83GX")) {
            assertThatThrownBy(() -> reader.parse(
                            "t",
                            FLEET + "makFallback:\n  office2013:\n    key: " + key
                                    + "\n    after: soon\n    activations: -1\n",
                            true))
                    .hasMessageContaining("field 'makFallback.office2013.key': ")
                    .hasMessageContaining("field 'makFallback.office2013.after': 'soon' is not a duration")
                    .hasMessageContaining("field 'makFallback.office2013.activations': ");
        }
    }

    @Test
    void aParsersOrKeysReasonIsKeptWholeNotCutLikeAQuotedValue() {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() -> reader.parse(
                        "t", FLEET + "makFallback:\n  office2013:\n    key: ABCDE-FGHIJ-KLMNO-PQRST-UVWXY\n", true))
                .hasMessageContaining("field 'makFallback.office2013.key': malformed product key ending 'UVWXY': "
                        + "character at position 1 is not in the product-key alphabet BCDFGHJKMPQRTVWXY2346789 "
                        + "(plus one N)");
        assertThatThrownBy(() -> reader.parse("t.json", "{\"machines\": [{\"name\": \"pc\"}}", false))
                .hasMessageContaining(
                        "Unexpected close marker '}': expected ']' (for Array starting at line 1, " + "column 14)")
                .hasMessageNotContaining("characters)")
                .hasMessageNotContaining("Source");
        assertThatThrownBy(() -> reader.parse("t", "machines:\n  - name: a: b\n", true))
                .hasMessageContaining("line 2, column 12: field 'machines[0].name': a 'field: value' where none may be:"
                        + " is the line indented deeper than the one above, or does a value hold ': ' (then quote it)?")
                .hasMessageNotContaining("\\n")
                .hasMessageNotContaining("characters)");
    }

    @Test
    void everyValueOfTheWrongTypeIsReportedAtOnceWithItsLineAndColumnAndTheChecksFollow() {
        String text = """
        days: sixty
        seed: abc
        host:
          port: http
          hostKeys: [[Windows 10 client CSVLK]]
          activationInterval: 5m
        machines:
          - name: pc-{n}
            count: many
            cout: 3
            family: windows-client
            edition: Windows 7 Ultimate
        """;
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all()).parse("site.yaml", text, true))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("""
                site.yaml: 8 problems:
                  line 1, column 7: field 'days': expected a whole number, got 'sixty'
                  line 2, column 7: field 'seed': expected a whole number, got 'abc'
                  line 4, column 9: field 'host.port': expected a whole number, got 'http'
                  line 5, column 14: field 'host.hostKeys[0]': expected text (a single value)
                  line 9, column 12: field 'machines[0].count': expected a whole number, got 'many'
                  line 10, column 5: field 'machines[0].cout': unknown field 'cout' (allowed here: arrive, clockSkew, \
                cloned, count, domain, edition, every, family, hostCaching, kms, leave, name, products, windows)
                  line 6, column 23: field 'host.activationInterval': 5m is outside the allowed 15m to 30d
                  line 12, column 14: field 'machines[0].edition': 'Windows 7 Ultimate' is not an edition of \
                windows-client; did you mean 'Windows 7 Enterprise'?""");
    }

    @Test
    void aWholeNumberOutOfItsRangeIsRefusedInTheWordsOfTheCommandLineAndTheBus() {
        // As --days and a bus field say it (WholeNumber), at the place of the value: no "must be 1 to 3650" of its own.
        String text = """
        days: 0
        host:
          port: 70000
          priority: -1
          weight: 65536
        machines:
          - name: pc-{n}
            count: 0
            family: windows-client
            edition: Windows 10 Pro
            kms: kms01.corp.example:70000
        makFallback:
          windows-client:
            key: BBBBB-CCCCC-DDDDD-FFFFF-GGGGG
            activations: -1
        """;
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all()).parse("site.yaml", text, true))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("""
                site.yaml: 7 problems:
                  line 1, column 7: field 'days': expected a whole number 1-3650, got 0
                  line 3, column 9: field 'host.port': expected a whole number 1-65535, got 70000
                  line 4, column 13: field 'host.priority': expected a whole number 0-65535, got -1
                  line 5, column 11: field 'host.weight': expected a whole number 0-65535, got 65536
                  line 8, column 12: field 'machines[0].count': expected a whole number 1 or more, got 0
                  line 11, column 10: field 'machines[0].kms': expected dns, dns:domain, host[:port] or \
                [IPv6][:port], got 'kms01.corp.example:70000' (port: expected a whole number 1-65535, got 70000)
                  line 15, column 18: field 'makFallback.windows-client.activations': expected a whole number 0 or \
                more, got -1""");
    }

    @Test
    void aKmsHostGivenAsABareIpv6AddressIsRefusedAsAmbiguous() {
        // The rule of renewal.kms and ctl set-kms (HostPort.endpointProblem): fe80::1:1688 could be either address.
        String text = """
        machines:
          - name: pc-{n}
            count: 2
            family: windows-client
            edition: Windows 10 Pro
            kms: fe80::1:1688
          - name: srv-{n}
            count: 2
            family: windows-server
            edition: Windows Server 2019 Standard
            kms: "[fe80::1]:1688"
        """;
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all()).parse("site.yaml", text, true))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("site.yaml: line 6, column 10: field 'machines[0].kms': expected dns, dns:domain, "
                        + "host[:port] or [IPv6][:port], got 'fe80::1:1688' (an IPv6 address without brackets is "
                        + "ambiguous: write [fe80::1]:1688 for port 1688, or [fe80::1:1688] for the default port "
                        + "1688)");
    }

    @Test
    void aPresentsRequiredCountOutOfItsRangeIsRefusedInTheSameWords() {
        String text = """
        start: 2026-11-30T12:00:00Z
        machines:
          - name: pc-1
            family: windows-client
            edition: Windows 10 Pro
        present:
          ledgers:
            - host: kms01.corp.example
              clients:
                - cmid: 00000000-0000-4000-8000-000000000001
                  family: windows-client
                  lastRequest: 2026-11-29T00:00:00Z
                  requiredCount: 1001
        """;
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all()).parse("snapshot.yaml", text, true))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("snapshot.yaml: line 13, column 26: field 'present.ledgers[0].clients[0].requiredCount': "
                        + "expected a whole number 1-1000, got 1001");
    }

    @Test
    void aFamilyNotLoadedIsRefusedInTheSameWordsWhereverTheScenarioNamesIt() {
        // A present's table client used to be told only "no loaded family 'office2007'", without what is loaded.
        String text = """
        start: 2026-11-30T12:00:00Z
        machines:
          - name: pc-1
            family: office2007
            edition: Office Professional Plus 2007
        makFallback:
          office2007: {key: NFW2C-KXP3J-7HHGW-PWWPX-JGPXM}
        present:
          ledgers:
            - host: kms01.corp.example
              clients:
                - {cmid: 00000000-0000-4000-8000-000000000001, family: office2007, lastRequest: 2026-11-29T00:00:00Z}
        """;
        String loaded =
                "(loaded: office2010, office2013, office2016, office2019, office2021, office2024, windows-client,"
                        + " windows-server)";
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all()).parse("site.yaml", text, true))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("site.yaml: 3 problems:\n"
                        + "  line 4, column 13: field 'machines[0].family': no loaded family 'office2007' " + loaded
                        + "\n  line 7, column 15: field 'makFallback.office2007': no loaded family 'office2007' "
                        + loaded
                        + "\n  line 12, column 64: field 'present.ledgers[0].clients[0].family': no loaded family "
                        + "'office2007' " + loaded);
    }

    @Test
    void aValueRefusedForItsTypeIsNotReportedAgainByTheChecksOfItsDefault() {
        // 'machines' left out for its type would otherwise also be "the fleet is empty".
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all())
                        .parse("t.json", "{\"machines\": [[1]],\n \"days\": \"x\"}", false))
                .hasMessage("t.json: 2 problems:\n"
                        + "  line 1, column 15: field 'machines[0]': expected a mapping (lines of 'field: value')\n"
                        + "  line 2, column 10: field 'days': expected a whole number, got 'x'");
    }

    @Test
    void aDurationTheClockCannotHoldIsNamedWithItsPlaceAndTheLimit() {
        // 9999999999999d used to pass the reader and end the run with "Instant exceeds minimum or maximum instant".
        String text = FLEET + "    count: 3\n    every: 9999999999999d\n    leave: 200000d\n" + """
        host:
          outages:
            - from: 1d
              to: 9999999999999d
        """;
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all()).parse("site.yaml", text, true))
                .hasMessageContaining("line 6, column 12: field 'machines[0].every': '9999999999999d' is too long a "
                        + "duration (at most 100000d, about 274 years")
                .hasMessageContaining("line 7, column 12: field 'machines[0].leave': '200000d' is too long a duration")
                .hasMessageContaining("line 11, column 11: field 'host.outages[0].to': '9999999999999d' is too long");
        // Each spacing may be allowed, and the last of many machines still arrive too late.
        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all())
                        .parse("site.yaml", FLEET + "    count: 1000\n    every: 1000d\n", true))
                .hasMessageContaining("line 6, column 12: field 'machines[0].every': 1000d between 1000 machines puts "
                        + "the last one after 100000d, the longest time allowed");
    }

    @Test
    void aStartOutsideTheYears1970To9999IsRefusedWhereItIsWritten() throws Exception {
        // +999999999-12-31T00:00:00Z used to end the run with "long overflow".
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() -> reader.parse("site.yaml", "start: +999999999-12-31T00:00:00Z\n" + FLEET, true))
                .hasMessage("site.yaml: line 1, column 8: field 'start': '+999999999-12-31T00:00:00Z' is outside the "
                        + "years 1970 to 9999 a simulation may start in");
        assertThatThrownBy(() -> reader.parse("site.yaml", "start: 1969-12-31T23:59:59Z\n" + FLEET, true))
                .hasMessageContaining("field 'start': '1969-12-31T23:59:59Z' is outside the years 1970 to 9999");
        assertThat(reader.parse("site.yaml", "start: 9999-12-31T00:00:00Z\n" + FLEET, true)
                        .start())
                .isEqualTo(Instant.parse("9999-12-31T00:00:00Z"));
    }

    @Test
    void aClockSkewOfMoreThanACenturyIsRefusedNotBlamedOnThePlugin() {
        // 9999999999999d used to pass and fail every attempt as PLUGIN_FAILED java.time.DateTimeException.
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() -> reader.parse("site.yaml", FLEET + "    clockSkew: -36501d\n", true))
                .hasMessage("site.yaml: line 5, column 16: field 'machines[0].clockSkew': -36501d is more than the "
                        + "allowed 36500d (100 years) either way");
        assertThatThrownBy(() -> reader.parse("site.yaml", FLEET + "    clockSkew: 9999999999999d\n", true))
                .hasMessageContaining("line 5, column 16: field 'machines[0].clockSkew': '9999999999999d' is too long");
    }

    @Test
    void aCountBeyondTheLimitIsReportedAtTheCountWithTheLimit() {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        // 2000000000 fits a number but not a fleet: said at the count, not at 'machines' (line 1).
        assertThatThrownBy(() -> reader.parse("site.yaml", FLEET + "    count: 2000000000\n", true))
                .hasMessage("site.yaml: line 5, column 12: field 'machines[0].count': 2000000000 machines is more than "
                        + "the limit of 1000000 (for the whole fleet)");
    }

    @Test
    void aNumberTooLargeForItsFieldIsWordedAsTheConfigurationWordsIt() {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        // Not the parser's words, nor words of this file type's own: the agent's configuration says an overflowing
        // bridge.port the same way (ConfigLoaderTest), and so does a what-if changes file (WhatIfChangesTest).
        assertThatThrownBy(() -> reader.parse("site.yaml", FLEET + "    count: 99999999999\n", true))
                .hasMessage("site.yaml: line 5, column 12: field 'machines[0].count': expected a whole number, got "
                        + "99999999999 (too large)");
        assertThatThrownBy(() -> reader.parse("site.yaml", FLEET + "    count: -99999999999\n", true))
                .hasMessage("site.yaml: line 5, column 12: field 'machines[0].count': expected a whole number, got "
                        + "-99999999999 (too small)");
        assertThatThrownBy(() -> reader.parse("site.yaml", "seed: 99999999999999999999\n" + FLEET, true))
                .hasMessage("site.yaml: line 1, column 7: field 'seed': expected a whole number, got "
                        + "99999999999999999999 (too large)");
    }

    @Test
    void anUnknownWindowsVersionListsEveryNamedVersionElevenIncluded() throws Exception {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() -> reader.parse("site.yaml", FLEET + "    windows: 12\n", true))
                .hasMessage("site.yaml: line 5, column 14: field 'machines[0].windows': '12' is not a version (7, 8, "
                        + "10, 11 or major.minor[.build], e.g. 6.1.7601)");
        assertThat(reader.parse("site.yaml", FLEET + "    windows: 11\n", true)
                        .groups()
                        .get(0)
                        .windows())
                .as("Windows 11 reports itself as 10.0")
                .isEqualTo(reader.parse("site.yaml", FLEET + "    windows: 10\n", true)
                        .groups()
                        .get(0)
                        .windows());
    }

    /** The problem a one-group fleet of {@code edition} under {@code family} is refused with. */
    private static String editionRefusal(String family, String edition) {
        String text = "machines:\n  - name: pc-{n}\n    family: " + family + "\n    edition: " + edition + "\n";
        return catchThrowableOfType(
                        ScenarioException.class,
                        () -> new ScenarioReader(TestFamilies.all()).parse("site.yaml", text, true))
                .getMessage();
    }

    @Test
    void aMisspeltEditionIsAnsweredWithTheClosestNamesOfItsFamilyAsGvlkAnswersIt() {
        // The first five editions of the catalog used to be offered, Windows 7 for a misspelt Windows 10.
        assertThat(editionRefusal("windows-client", "Windows 10 Enterprize"))
                .isEqualTo("site.yaml: line 4, column 14: field 'machines[0].edition': 'Windows 10 Enterprize' is not"
                        + " an edition of windows-client; did you mean 'Windows 10 Enterprise' or 'Windows 11"
                        + " Enterprise' or 'Windows 10 Enterprise N'?");
        assertThat(editionRefusal("windows-server", "Windows Server 2022 Standart"))
                .isEqualTo("site.yaml: line 4, column 14: field 'machines[0].edition': 'Windows Server 2022 Standart'"
                        + " is not an edition of windows-server; did you mean 'Windows Server 2022 Standard' or 'Windows"
                        + " Server 2012 Standard' or 'Windows Server 2025 Standard'?");
        assertThat(editionRefusal("windows-client", "Nothing Like Any Edition"))
                .isEqualTo("site.yaml: line 4, column 14: field 'machines[0].edition': 'Nothing Like Any Edition' is"
                        + " not an edition of windows-client; see 'kms-agent products --family windows-client' for"
                        + " its editions");
    }

    @Test
    void anEditionOfAnotherLoadedFamilyIsRefusedNamingThatFamily() {
        assertThat(editionRefusal("windows-client", "Windows Server 2022 Standard"))
                .isEqualTo("site.yaml: line 4, column 14: field 'machines[0].edition': 'Windows Server 2022 Standard'"
                        + " is not an edition of windows-client; it is an edition of family windows-server");
        // Misspelt as well: nothing of the family is close, the other families' closest are named with theirs.
        assertThat(editionRefusal("windows-client", "Windows Server 2022 Standart"))
                .isEqualTo("site.yaml: line 4, column 14: field 'machines[0].edition': 'Windows Server 2022 Standart'"
                        + " is not an edition of windows-client; the closest editions are of family windows-server:"
                        + " did you mean 'Windows Server 2022 Standard' or 'Windows Server 2012 Standard' or 'Windows"
                        + " Server 2025 Standard'?");
    }

    @Test
    void anOnOffValueIsTrueOrFalseAloneAsTheConfigurationTakesIt() throws Exception {
        // 1 was taken for true (the Fleet line then said "cloned (one CMID)"), and yes and "true" too.
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() -> reader.parse("site.yaml", FLEET + "    cloned: 1\n", true))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("site.yaml: line 5, column 13: field 'machines[0].cloned': expected true or false, got 1");
        assertThatThrownBy(() -> reader.parse("site.yaml", FLEET + "    hostCaching: yes\n", true))
                .hasMessage(
                        "site.yaml: line 5, column 18: field 'machines[0].hostCaching': expected true or false, got 'yes'");
        assertThatThrownBy(() -> reader.parse("site.yaml", FLEET + "    hostCaching: \"true\"\n", true))
                .hasMessage(
                        "site.yaml: line 5, column 18: field 'machines[0].hostCaching': expected true or false, got the text \"true\"; write it without quotes");
        assertThatThrownBy(() -> reader.parse("site.json", """
                {"machines": [{"name": "pc-{n}", "family": "windows-client", "edition": "Windows 10 Pro",
                  "cloned": 1}]}""", false))
                .hasMessage("site.json: line 2, column 13: field 'machines[0].cloned': expected true or false, got 1");
        // YAML 1.2's true and false, in any case, as docs/configuration.md has them.
        Scenario s = reader.parse("site.yaml", FLEET + "    cloned: True\n    hostCaching: FALSE\n", true);
        assertThat(s.groups().get(0).cloned()).isTrue();
        assertThat(s.groups().get(0).hostCaching()).isFalse();
    }

    @Test
    void aNumberWrittenAsTextIsRefusedNotRead() throws Exception {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() -> reader.parse("site.yaml", FLEET + "    count: \"2\"\n", true))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("site.yaml: line 5, column 12: field 'machines[0].count': expected a whole number, got the"
                        + " text \"2\"; write it without quotes");
        assertThatThrownBy(() -> reader.parse("site.json", """
                {"machines": [{"name": "pc-{n}", "family": "windows-client", "edition": "Windows 10 Pro",
                  "count": "2"}]}""", false))
                .hasMessage("site.json: line 2, column 12: field 'machines[0].count': expected a whole number, got the"
                        + " text \"2\"; write it without quotes");
        // Text may still be written as a number: windows: 11 is the text 11.
        assertThat(reader.parse("site.yaml", FLEET + "    count: 2\n    windows: 7\n", true)
                        .groups()
                        .get(0)
                        .count())
                .isEqualTo(2);
    }

    @Test
    void aTabInTheIndentationIsNamedAtTheTab() {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() -> reader.parse("t.yaml", "name: t\nmachines:\n\t- count: 2\n", true))
                .hasMessage("t.yaml: line 3, column 1: a tab; YAML indents with spaces");
        assertThatThrownBy(() -> reader.parse("t.yaml", FLEET + "    count: 2\n  \twindows: 7\n", true))
                .hasMessage("t.yaml: line 6, column 3: a tab; YAML indents with spaces");
    }

    @Test
    void aLineIndentedToNoBlockAboveIsSaidInAUsersWords() {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() -> reader.parse("t.yaml", FLEET + "    count: 2\n   windows: 7\n", true))
                .hasMessage("t.yaml: line 6, column 4: the indentation does not match the lines above (the block from"
                        + " line 2)");
    }

    @Test
    void aWrongValueForANumberOrTrueFalseIsQuotedBack() {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() ->
                        reader.parse("t.yaml", "days: sixty\nseed: abc\n" + FLEET + "    cloned: \"true\"\n", true))
                .hasMessage("t.yaml: 3 problems:\n"
                        + "  line 1, column 7: field 'days': expected a whole number, got 'sixty'\n"
                        + "  line 2, column 7: field 'seed': expected a whole number, got 'abc'\n"
                        + "  line 7, column 13: field 'machines[0].cloned': expected true or false, got the text"
                        + " \"true\"; write it without quotes");
    }

    @Test
    void aFaultRateOutOfRangeIsQuotedAsWritten() {
        ScenarioReader reader = new ScenarioReader(TestFamilies.all());
        assertThatThrownBy(() -> reader.parse("t.yaml", FLEET + "faults:\n  rate: 2\n", true))
                .hasMessageEndingWith("field 'faults.rate': must be between 0 and 1, got 2");
        assertThatThrownBy(() -> reader.parse("t.yaml", FLEET + "faults:\n  rate: 0.7\n  hangRate: 0.4\n", true))
                .hasMessageEndingWith("field 'faults': rate + hangRate must be at most 1, got 0.7 + 0.4");
        // Faults that end as the run starts, or before, would inject nothing at all.
        for (String until : List.of("-5d", "0")) {
            assertThatThrownBy(() ->
                            reader.parse("t.yaml", FLEET + "faults:\n  rate: 0.1\n  until: " + until + "\n", true))
                    .hasMessageContaining(
                            "field 'faults.until': must be after the start (a duration such as 30d), got " + until);
        }
    }
}
