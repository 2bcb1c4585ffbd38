package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        return Files.writeString(dir.resolve("agent.yaml"), text);
    }

    private static AgentConfig load(Map<String, String> env, Optional<Path> file, String... sets) throws Exception {
        return new ConfigLoader(env).load(file, List.of(sets));
    }

    private static List<String> errors(Map<String, String> env, Optional<Path> file, String... sets) {
        try {
            load(env, file, sets);
        } catch (ConfigException e) {
            return e.errors();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a configuration error");
    }

    @Test
    void bindingAnEmptyConfigurationGivesTheDefaultsTheLoaderTakesWithoutBinding() throws Exception {
        // With nothing written anywhere the loader does not bind at all; the two must be the same configuration.
        assertThat(ConfigLoader.bind(JsonNodeFactory.instance.objectNode())).isEqualTo(AgentConfig.defaults());
    }

    @Test
    void anOverrideWrittenAsANumberWithLeadingZerosKeepsThemForATextSettingAndIsThatNumberForANumberSetting()
            throws Exception {
        // Read as YAML, 007 was the number 7, and the agent id became "7".
        AgentConfig c = load(Map.of("KMSAGENT_FLEET_AGENT_ID", "007"), Optional.empty(), "bridge.port=07690");

        assertThat(c.fleet().agentId()).isEqualTo("007");
        assertThat(c.bridge().port()).isEqualTo(7690);
    }

    @Test
    void aNumberInTheFileThatReadsAsAnotherFollowsTheRuleOfTheOverrides() throws Exception {
        // The file was read by YAML 1.1's rules: agentId 007 became "7", 010 became 8, and a port of 0x4719 or 18_201
        // was taken, where the environment and --set keep 007 and refuse both ports.
        Path file = yaml("fleet:\n  agentId: 007\nbridge:\n  port: 010\n");
        AgentConfig c = load(Map.of(), Optional.of(file));
        assertThat(c.fleet().agentId()).isEqualTo("007");
        assertThat(c.bridge().port()).isEqualTo(10);

        for (String port : List.of("0x4719", "18_201")) {
            assertThat(errors(Map.of(), Optional.of(yaml("bridge:\n  port: " + port + "\n"))))
                    .singleElement()
                    .asString()
                    .contains("agent.yaml:2: bridge.port: expected a whole number, got '" + port
                            + "' (write the number in decimal)");
        }
        assertThat(errors(Map.of("KMSAGENT_BRIDGE_PORT", "0x4719"), Optional.empty()))
                .singleElement()
                .asString()
                .contains("(write the number in decimal)");
    }

    @Test
    void anOnOffSettingGivenAsAVariableAloneTakesItsTrueOrFalse() throws Exception {
        Path file = yaml("bridge:\n  enabled: ${BRIDGE_ON}\nhost:\n  enabled: ${HOST_ON}\n");

        // It was refused whatever the variable held ("a text value: write true or false without quotes").
        AgentConfig c = load(Map.of("BRIDGE_ON", "false", "HOST_ON", "TRUE"), Optional.of(file));
        assertThat(c.bridge().enabled()).isFalse();
        assertThat(c.host().enabled()).isTrue();
        // Anything else is refused as in the file, naming the key and the value.
        assertThat(errors(Map.of("BRIDGE_ON", "yes", "HOST_ON", "true"), Optional.of(file)))
                .singleElement()
                .asString()
                .contains("bridge.enabled: expected true or false, got 'yes'");
    }

    @Test
    void anEmptyFamilyOverrideIsNamedAtItsOwnLineAndTheRestOfTheRenewalSectionIsStillChecked() throws Exception {
        Path file =
                yaml("renewal:\n  kms: kms01.corp.example\n  families:\n    office2013:\n  callDeadlineSeconds: 0\n");

        // It was one line, "renewal: not a valid value", at the section's first line.
        assertThat(errors(Map.of(), Optional.of(file)))
                .anyMatch(l -> l.contains(":4:")
                        && l.contains("renewal.families.office2013: empty; give its kms or"
                                + " makFallback under it, or remove it"))
                .anyMatch(l -> l.contains("renewal.callDeadlineSeconds"))
                .noneMatch(l -> l.contains("not a valid value"));
    }

    @Test
    void aFileOfCommentsOnlyIsEveryDefault() throws Exception {
        assertThat(load(Map.of(), Optional.of(yaml("# nothing set yet\n")))).isEqualTo(AgentConfig.defaults());
    }

    @Test
    void withoutAFileEveryKeyHasItsDefault() throws Exception {
        AgentConfig c = load(Map.of(), Optional.empty());
        assertThat(c).isEqualTo(AgentConfig.defaults());
        assertThat(c.bridge().host()).isEqualTo("127.0.0.1");
        assertThat(c.bridge().enabled()).isTrue();
        assertThat(c.bridge().anonymous()).isEqualTo(Role.NONE);
        assertThat(c.bridge().maxFrameBytes()).isEqualTo(65_536);
        assertThat(c.host().renewalIntervalMinutes()).isEqualTo(10_080);
    }

    @Test
    void theShippedDefaultFileIsValidAndSaysExactlyTheDefaults() throws Exception {
        Path shipped = Path.of("..", "..", "distribution", "src", "main", "conf", "agent.yaml");
        assertThat(load(Map.of(), Optional.of(shipped))).isEqualTo(AgentConfig.defaults());
    }

    @Test
    void fileValuesAreRead() throws Exception {
        AgentConfig c = load(Map.of("ADMIN", "0123456789abcdef-admin"), Optional.of(yaml("""
        licensing: simulated
        host:
          enabled: true
          renewalIntervalMinutes: 60
        bridge:
          port: 9000
          tokens:
            - {name: ops, token: "${ADMIN}", role: admin}
        renewal:
          kms: kms.corp.example:1700
          families:
            office2013: {kms: dns, makFallback: on-kms-failure}
        """)));
        assertThat(c.licensing()).isEqualTo(Licensing.SIMULATED);
        assertThat(c.host().enabled()).isTrue();
        assertThat(c.host().renewalIntervalMinutes()).isEqualTo(60);
        assertThat(c.host().activationIntervalMinutes()).isEqualTo(120);
        assertThat(c.bridge().port()).isEqualTo(9000);
        assertThat(c.bridge().tokens())
                .singleElement()
                .satisfies(t -> assertThat(t.token()).isEqualTo("0123456789abcdef-admin"));
        assertThat(c.renewal().kmsFor("office2013")).isEqualTo("dns");
        assertThat(c.renewal().kmsFor("windows-client")).isEqualTo("kms.corp.example:1700");
        assertThat(c.renewal().families().get("office2013").makFallback()).isEqualTo(MakFallback.ON_KMS_FAILURE);
        assertThat(c.renewal().makFallback()).isEqualTo(MakFallback.NEVER);
    }

    @Test
    void anOutOfRangeValueNamesItsKey() throws Exception {
        Path file = yaml("bridge:\n  port: 70000\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":2: bridge.port: expected a whole number 0-65535, got 70000");
    }

    @Test
    void everyWholeNumberOutOfRangeIsWordedAsTheCommandLineAndTheBusWordIt() throws Exception {
        // One wording (WholeNumber) for every key, a bound below only, a port inside an address, a hash's iterations.
        Path file = yaml("""
                fleet:
                  hubs: ["hub-a:99999"]
                  trust: ["%s"]
                  reconnectMaxSeconds: 0
                  cluster:
                    port: 70000
                logging:
                  maxHistoryDays: 3651
                simulated:
                  faults:
                    startAfterSeconds: -1
                    hangSeconds: 0
                bridge:
                  tokens:
                    - name: ops
                      role: admin
                      hash: "pbkdf2-sha256:5:c2FsdHNhbHQ=:aGFzaA=="
                """.formatted("AB".repeat(32)));
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactlyInAnyOrder(
                        file
                                + ":2: fleet.hubs[0]: expected host:port, got 'hub-a:99999' (port: expected a whole number "
                                + "1-65535, got 99999)",
                        file + ":4: fleet.reconnectMaxSeconds: expected a whole number 1-3600, got 0",
                        file + ":6: fleet.cluster.port: expected a whole number 1-65535, got 70000",
                        file + ":8: logging.maxHistoryDays: expected a whole number 1-3650, got 3651",
                        file + ":11: simulated.faults.startAfterSeconds: expected a whole number 0 or more, got -1",
                        file + ":12: simulated.faults.hangSeconds: expected a whole number 1 or more, got 0",
                        file + ":17: bridge.tokens[0].hash: iterations: expected a whole number 10000-2000000, got 5");
    }

    @Test
    void aHubMayHoldTenThousandAgentsAndItsOperatorsButNotWithoutBound() throws Exception {
        Path hub = yaml("bridge:\n  maxConnections: 10100\n  maxConnectionsPerToken: 10050\n");
        assertThat(load(Map.of(), Optional.of(hub)).bridge().maxConnections()).isEqualTo(10_100);
        Path tooMany = yaml("bridge:\n  maxConnectionsPerAddress: 100001\n");
        assertThat(errors(Map.of(), Optional.of(tooMany)))
                .containsExactly(
                        tooMany + ":2: bridge.maxConnectionsPerAddress: expected a whole number 1-100000, got 100001");
    }

    @Test
    void anUnknownKeyIsAnErrorNamingIt() throws Exception {
        Path file = yaml("bridge:\n  prot: 7000\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .singleElement()
                .asString()
                .startsWith(file + ":2: bridge.prot: unknown key")
                .contains("port");
    }

    @Test
    void aNumberTooLargeForItsKeyIsWordedAsEveryFileWordsIt() throws Exception {
        // Not the parser's "Numeric value (99999999999) out of range of int (-2147483648 - 2147483647)": no key has
        // those bounds. A scenario and a what-if changes file say it in the same words (ScenarioReaderTest).
        Path file = yaml("bridge:\n  port: 99999999999\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":2: bridge.port: expected a whole number, got 99999999999 (too large)");
        assertThat(errors(Map.of("KMSAGENT_BRIDGE_PORT", "-99999999999"), Optional.empty()))
                .containsExactly("environment variable KMSAGENT_BRIDGE_PORT: bridge.port: expected a whole number, got "
                        + "-99999999999 (too small)");
    }

    /**
     * {@code KMSAGENT_FLEET_HUBS='[127.0.01:7690]'} over a file whose {@code hubs} is valid: the error sent the user to
     * edit that line of the file, which was right, since the file's place for {@code fleet.hubs[0]} outlived the
     * override that replaced the whole list.
     */
    @Test
    void aListReplacedByAnOverrideBlamesTheOverrideNotTheFileLineItReplaced() throws Exception {
        Path file = yaml("fleet:\n  hubs: [127.0.0.1:7690]\n");
        assertThat(errors(Map.of("KMSAGENT_FLEET_HUBS", "[127.0.01:7690]"), Optional.of(file)))
                .anySatisfy(e -> assertThat(e)
                        .startsWith("environment variable KMSAGENT_FLEET_HUBS: fleet.hubs[0]: expected host:port"))
                .noneSatisfy(e -> assertThat(e).contains(":2: fleet.hubs"));
        assertThat(errors(Map.of(), Optional.of(file), "fleet.hubs=[127.0.01:7690]"))
                .anySatisfy(e -> assertThat(e).startsWith("--set fleet.hubs[0]: expected host:port"))
                .noneSatisfy(e -> assertThat(e).contains(":2: fleet.hubs"));
    }

    @Test
    void aWrongTypeNamesItsKey() throws Exception {
        Path file = yaml("bridge:\n  maxConnections: lots\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":2: bridge.maxConnections: expected a whole number, got 'lots'");
        file = yaml("licensing: magic\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":1: licensing: must be one of slc|simulated|auto, got 'magic'");
        Path tokens = yaml("bridge:\n  tokens:\n    - {name: a, token: x, role: root}\n");
        assertThat(errors(Map.of(), Optional.of(tokens)))
                .contains(tokens + ":3: bridge.tokens[0].token: must be at least " + "16 characters")
                .anySatisfy(
                        e -> assertThat(e).startsWith(tokens + ":3: bridge.tokens[0].role: must be one of read|admin"));
    }

    @Test
    void everyProblemIsReportedTogether() throws Exception {
        Path file = dir.resolve("agent.yaml");
        assertThat(errors(Map.of(), Optional.of(yaml("""
        host:
          activationIntervalMinutes: 5
        bridge:
          maxFrameBytes: 10
          tokens:
            - {name: weak, token: short, role: admin}
        renewal:
          kms: "kms.example:notaport"
        """))))
                .containsExactlyInAnyOrder(
                        file + ":2: host.activationIntervalMinutes: expected a whole number 15-43200, got 5",
                        file + ":4: bridge.maxFrameBytes: expected a whole number 256-16777216, got 10",
                        file + ":6: bridge.tokens[0].token: must be at least 16 characters",
                        file + ":8: renewal.kms: expected host, host:port, [IPv6]:port, dns or dns:domain, got "
                                + "'kms.example:notaport' (port: expected a whole number 1-65535, got 'notaport')");
    }

    @Test
    void aTokenEntryWithNeitherTokenNorHashSaysToGiveOne() throws Exception {
        Path file = yaml("""
        bridge:
          tokens:
            - {name: ops, role: admin}
        """);
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":3: bridge.tokens[0]: give token (16 characters or more) or hash");
    }

    /**
     * A block's first key without its ':' reads, to the parser, as a value running into the next line, whose ':' it
     * then refuses: said at the key, as a key without its ':' anywhere else is (it was "a 'field: value' where none
     * may be" at the line after).
     */
    @Test
    void aBlocksFirstKeyWithoutItsColonIsSaidAtThatKey() throws Exception {
        Path file = yaml("bridge:\n  port 7690\n  host: 127.0.0.1\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":2: 'port 7690' has no ':' after its key (line 2, column 3)");
    }

    @Test
    void aValueHoldingAColonIsSaidInAUsersWordsAsInTheSimulatorsFiles() throws Exception {
        Path file = yaml("bridge:\n  port: 7001\nrenewal:\n  kms: a: b\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":4: a 'field: value' where none may be: is the line indented deeper than the"
                        + " one above, or does a value hold ': ' (then quote it)? (line 4, column 9)");
    }

    @Test
    void aYamlSyntaxErrorIsPrefixedWithTheLineOfTheProblemItself() throws Exception {
        Path tab = yaml("licensing: auto\nbridge:\n\tport: 7688\n");
        assertThat(errors(Map.of(), Optional.of(tab)))
                .containsExactly(tab + ":3: a tab; YAML indents with spaces (line 3, column 1)");
        Path control = yaml("licensing: auto\ndataDir: data\nbridge:\n  host: \"a\u0001b\"\n");
        assertThat(errors(Map.of(), Optional.of(control)))
                .containsExactly(control + ":4: the control character U+0001 may not be in a YAML file; remove it"
                        + " (line 4, column 11)");
    }

    /** A hub's configuration: the mistakes below are made on its line 9, with lines after it. */
    private static final String HUB = """
            licensing: auto
            dataDir: data
            fleet:
              cluster:
                members: ["hub-a:7690", "hub-b:7690"]
            bridge:
              host: 127.0.0.1
              port: 7688
            """;

    @Test
    void aKeyWithoutItsColonIsSaidAtTheKeyNotAtTheLineAfterIt() throws Exception {
        Path file = yaml(HUB + "  port 7690\nlogging:\n  level: INFO\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":9: 'port 7690' has no ':' after its key (line 9, column 3)");
    }

    @Test
    void anUnclosedQuoteIsSaidWhereItOpensNotAtTheEndOfTheFile() throws Exception {
        Path file = yaml(HUB + "  name: \"hub-a\nlogging:\n  level: INFO\nrenewal:\n  kms: kms.example.com\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":9: the quote opened here is not closed before the file ends: is the file"
                        + " cut short? (line 9, column 9)");
    }

    @Test
    void aLineIndentedToNoBlockAboveIsSaidAtThatLine() throws Exception {
        Path file = yaml(HUB + " port: 7690\nlogging:\n  level: INFO\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":9: the indentation does not match the lines above (the block from line 1)"
                        + " (line 9, column 2)");
    }

    @Test
    void aMistakeOnTheLastLineIsSaidOnThatLineNeverOnePastTheEnd() throws Exception {
        Path file = yaml("licensing: auto\nbridge:\n  host: 127.0.0.1\n  port 7688\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":4: 'port 7688' has no ':' after its key (line 4, column 3)");
        Path cut = yaml("licensing: auto\nbridge:\n  host: 127.0.0.1\n  port 7688");
        assertThat(errors(Map.of(), Optional.of(cut)))
                .containsExactly(cut + ":4: 'port 7688' has no ':' after its key; the file ends there: is the file"
                        + " cut short? (line 4, column 3)");
        Path bracket = yaml("licensing: auto\nbridge:\n  host: 127.0.0.1\nfleet:\n  hubs: [\"hub-a:7690\"\n");
        assertThat(errors(Map.of(), Optional.of(bracket)))
                .containsExactly(bracket + ":5: the '[' opened here is not closed before the file ends: is the file"
                        + " cut short? (line 5, column 9)");
        // Nothing after the '[' at all: the parser named only the end it found ("expected the node content, but
        // found '<stream end>'").
        Path bare = yaml("licensing: auto\nfleet:\n  hubs: [\n");
        assertThat(errors(Map.of(), Optional.of(bare)))
                .containsExactly(bare + ":3: the '[' opened here is not closed before the file ends: is the file"
                        + " cut short? (line 3, column 9)");
    }

    @Test
    void enumSizeAndLevelProblemsOfOneFileAreReportedTogether() throws Exception {
        Path file = yaml("logging:\n  level: LOUD\n  maxFileSize: huge\nrenewal:\n  makFallback: sometimes\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactlyInAnyOrder(
                        file + ":2: logging.level: must be one of ERROR|WARN|INFO|DEBUG|TRACE, got 'LOUD'",
                        file
                                + ":3: logging.maxFileSize: expected a size such as 10MB (units B, KB, MB, GB), "
                                + "got 'huge'",
                        file + ":5: renewal.makFallback: must be one of never|on-kms-failure, got 'sometimes'");
    }

    @Test
    void anEmptyListEntryIsNamedAndDoesNotHideTheOtherProblemsOfItsSection() throws Exception {
        Path file = yaml("bridge:\n  port: 70000\n  tokens:\n    -\nlogging:\n  level: LOUD\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactlyInAnyOrder(
                        file + ":2: bridge.port: expected a whole number 0-65535, got 70000",
                        file + ":4: bridge.tokens[0]: an empty list entry (a '-' with nothing after it); remove it or "
                                + "give its value",
                        file + ":6: logging.level: must be one of ERROR|WARN|INFO|DEBUG|TRACE, got 'LOUD'");
    }

    @Test
    void aListEntryOfTheWrongKindIsNamedByIndexInEveryListSettingNotAsItsSection() throws Exception {
        // Every list-valued key of the configuration, each given an entry that is itself a list or a mapping.
        Path file = yaml("""
        host:
          hostKeys: [[Windows 10 client CSVLK]]
          licensePacks: [{name: pack}]
        bridge:
          port: 70000
          tokens: [[ops]]
          inbound: ["kmsagent.*", [1], {a: b}]
          outbound: [[kmsagent.events]]
        simulated:
          editions: [[Windows 11 Enterprise]]
          faults:
            kinds: [[hang]]
        fleet:
          hubs: [[hub-a:7688]]
          trust: [{fingerprint: AB}]
          agentTokens: [[agents]]
          cluster:
            members: [[10.0.0.1]]
            interfaces: [{a: 1}]
        """);
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactlyInAnyOrder(
                        file + ":2: host.hostKeys[0]: expected a text value, found a list",
                        file + ":3: host.licensePacks[0]: expected a text value, found a mapping of keys",
                        file + ":5: bridge.port: expected a whole number 0-65535, got 70000",
                        file + ":6: bridge.tokens[0]: expected a mapping of keys, found a list",
                        file + ":7: bridge.inbound[1]: expected a text value, found a list",
                        file + ":7: bridge.inbound[2]: expected a text value, found a mapping of keys",
                        file + ":8: bridge.outbound[0]: expected a text value, found a list",
                        file + ":10: simulated.editions[0]: expected a text value, found a list",
                        file + ":12: simulated.faults.kinds[0]: expected a text value, found a list",
                        file + ":14: fleet.hubs[0]: expected a text value, found a list",
                        file + ":15: fleet.trust[0]: expected a text value, found a mapping of keys",
                        file + ":16: fleet.agentTokens[0]: expected a text value, found a list",
                        file + ":18: fleet.cluster.members[0]: expected a text value, found a list",
                        file + ":19: fleet.cluster.interfaces[0]: expected a text value, found a mapping of keys");
    }

    @Test
    void aListEntryOfTheWrongKindInABlockListKeepsItsOwnLine() throws Exception {
        Path file = yaml("bridge:\n  inbound:\n    - kmsagent.status\n    - - nested\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":4: bridge.inbound[1]: expected a text value, found a list");
    }

    @Test
    void anonymousAccessIsRefusedOffLoopback() {
        assertThat(errors(Map.of(), Optional.empty(), "bridge.host=0.0.0.0", "bridge.anonymous=read"))
                .containsExactly(
                        "--set bridge.anonymous: may only be 'read' when bridge.host is a loopback address, got"
                                + " 0.0.0.0");
    }

    @Test
    void environmentOverridesTheFileAndSetOverridesTheEnvironment() throws Exception {
        Path file = yaml("bridge:\n  port: 9000\n  maxFrameBytes: 1024\n");
        Map<String, String> env = Map.of(
                "KMSAGENT_BRIDGE_PORT",
                "9100",
                "KMSAGENT_BRIDGE_MAX_FRAME_BYTES",
                "2048",
                "KMSAGENT_TOKEN",
                "belongs to ctl, not a key");
        AgentConfig fromEnv = load(env, Optional.of(file));
        assertThat(fromEnv.bridge().port()).isEqualTo(9100);
        assertThat(fromEnv.bridge().maxFrameBytes()).isEqualTo(2048);
        AgentConfig fromSet = load(env, Optional.of(file), "bridge.port=9999", "renewal.families.office2010.kms=dns");
        assertThat(fromSet.bridge().port()).isEqualTo(9999);
        assertThat(fromSet.renewal().kmsFor("office2010")).isEqualTo("dns");
    }

    @Test
    void severalVariablesNamingOneKeyAreRefusedTogetherWithTheOtherProblemsNeverOnePickedSilently() throws Exception {
        // Before: the last in name order (KMSAGENT_bridge_maxFrameBytes) was applied and the other two ignored.
        Path file = yaml("bridge:\n  maxFrameBytes: 1024\n");
        assertThat(errors(
                        Map.of(
                                "KMSAGENT_BRIDGE_MAX_FRAME_BYTES", "100",
                                "KMSAGENT_BRIDGE_MAXFRAMEBYTES", "50",
                                "KMSAGENT_bridge_maxFrameBytes", "70",
                                "KMSAGENT_METRICS_PORT", "abc"),
                        Optional.of(file)))
                .containsExactlyInAnyOrder(
                        "environment variables KMSAGENT_BRIDGE_MAXFRAMEBYTES, KMSAGENT_BRIDGE_MAX_FRAME_BYTES and"
                                + " KMSAGENT_bridge_maxFrameBytes all set bridge.maxFrameBytes: give it once",
                        "environment variable KMSAGENT_METRICS_PORT: metrics.port: expected a whole number, got 'abc'");
        // Agreeing values are refused too, as a key written twice in the file is: editing one of them later must not
        // be what first stops the agent.
        assertThat(errors(Map.of("KMSAGENT_BRIDGE_PORT", "9100", "KMSAGENT_BRIDGEPORT", "9100"), Optional.empty()))
                .containsExactly("environment variables KMSAGENT_BRIDGEPORT and KMSAGENT_BRIDGE_PORT both set"
                        + " bridge.port: give it once");
        // A blank one is not set (BlankOverrideTest), so it names nothing twice.
        assertThat(load(Map.of("KMSAGENT_BRIDGE_PORT", "9100", "KMSAGENT_BRIDGEPORT", " "), Optional.empty())
                        .bridge()
                        .port())
                .isEqualTo(9100);
    }

    @Test
    void anOverrideInsideASectionTheFileGotWrongStillReportsTheFilesMistake() throws Exception {
        Path file = yaml("licensing: auto\nbridge: [1, 2]\nrenewal: dns\n");
        assertThat(errors(Map.of("KMSAGENT_RENEWAL_KMS", "dns"), Optional.of(file), "bridge.port=9999"))
                .containsExactlyInAnyOrder(
                        file + ":2: bridge: expected a mapping of keys, found a list",
                        file + ":3: renewal: expected a mapping of keys, got 'dns'");
        // An override that replaces exactly the wrong value leaves nothing to report.
        Path port = yaml("bridge:\n  port: [1, 2]\n");
        assertThat(load(Map.of(), Optional.of(port), "bridge.port=9999")
                        .bridge()
                        .port())
                .isEqualTo(9999);
    }

    @Test
    void aVariableNamingAListOrMapSettingIsRefusedWithWhereToPutItInstead() throws Exception {
        Map<String, String> env = Map.of(
                "KMSAGENT_BRIDGE_TOKENS", "abc",
                "KMSAGENT_RENEWAL_FAMILIES_OFFICE2013_KMS", "dns",
                "KMSAGENT_TOKEN", "belongs to ctl, not a key");
        assertThat(errors(env, Optional.empty()))
                .containsExactlyInAnyOrder(
                        "environment variable KMSAGENT_BRIDGE_TOKENS: bridge.tokens: cannot be set from the "
                                + "environment (a list of entries); write it in the configuration file (a value there "
                                + "may be ${NAME}, read from the environment variable NAME)",
                        "environment variable KMSAGENT_RENEWAL_FAMILIES_OFFICE2013_KMS: renewal.families: cannot be "
                                + "set from the environment (a map); write it in the configuration file or with --set "
                                + "renewal.families.<family>.kms=VALUE");
        // A list of plain values is one key, given as a YAML list.
        assertThat(load(Map.of("KMSAGENT_SIMULATED_EDITIONS", "[Windows 11 Pro]"), Optional.empty())
                        .simulated()
                        .editions())
                .containsExactly("Windows 11 Pro");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "host.enabled",
                "host.publishDns",
                "bridge.enabled",
                "metrics.enabled",
                "dashboard.enabled",
                "fleet.allowSharedAgentTokens"
            })
    void everyBooleanSettingTakesTrueOrFalseAloneAndNamesItsKeyOtherwise(String key) throws Exception {
        String section = key.substring(0, key.indexOf('.'));
        String leaf = key.substring(key.indexOf('.') + 1);
        for (String written : List.of("1", "0", "yes", "\"yes\"", "on", "off", "\"true\"", "1.0")) {
            Path file = yaml(section + ":\n  " + leaf + ": " + written + "\n");
            String got = written.replace("\"", "");
            assertThat(errors(Map.of(), Optional.of(file)))
                    .as(written)
                    .containsExactly(file + ":2: " + key + ": expected true or false, got '" + got + "'"
                            + (got.equals("true") ? " (a text value: write true or false without quotes)" : ""));
        }
        assertThat(errors(Map.of("KMSAGENT_" + key.replace('.', '_').toUpperCase(), "1"), Optional.empty()))
                .containsExactly("environment variable KMSAGENT_"
                        + key.replace('.', '_').toUpperCase() + ": " + key + ": expected true or false, got '1'");
        assertThat(load(Map.of(), Optional.of(yaml(section + ":\n  " + leaf + ": false\n"))))
                .isNotEqualTo(load(Map.of(), Optional.of(yaml(section + ":\n  " + leaf + ": true\n"))));
    }

    @Test
    void aRoleMessageListsOnlyWhatItsKeyAccepts() throws Exception {
        Path file = yaml("""
        bridge:
          anonymous: root
          tokens:
            - {name: a, token: 0123456789abcdef-a, role: none}
            - {name: b, token: 0123456789abcdef-b, role: root}
            - {name: c, token: 0123456789abcdef-c}
        """);
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactlyInAnyOrder(
                        file + ":2: bridge.anonymous: must be one of none|read|admin, got 'root'",
                        file + ":4: bridge.tokens[0].role: must be one of read|admin, got 'none'",
                        file + ":5: bridge.tokens[1].role: must be one of read|admin, got 'root'",
                        file + ":6: bridge.tokens[2].role: must be given: one of read|admin");
    }

    @Test
    void aFamilyIdThatIsNoneIsSaidAsTheOptionOrVariableThatGaveItsKey() {
        // The id is no key of its own there: only its kms was given (it was said without the option, as if written
        // in no place).
        assertThat(errors(Map.of(), Optional.empty(), "renewal.families.Office 2013.kms=kms.corp"))
                .containsExactly("--set renewal.families.Office 2013: a family id is lower-case kebab-case, e.g."
                        + " office2013");
        assertThat(errors(
                        Map.of(),
                        Optional.empty(),
                        "renewal.families.Office2013.kms=kms.corp",
                        "renewal.families.Office2013.makFallback=never"))
                .containsExactly("--set renewal.families.Office2013: a family id is lower-case kebab-case, e.g."
                        + " office2013");
    }

    @Test
    void anUnknownSetKeyIsAnErrorListingTheKeysKnownThere() {
        assertThat(errors(Map.of(), Optional.empty(), "bridge.tls.certFil=/x.pem"))
                .containsExactly("--set bridge.tls.certFil: unknown key (known here: certFile, clientCaFile, keyFile)");
        assertThat(errors(Map.of(), Optional.empty(), "renewal.families.office2013.kmss=kms.corp"))
                .containsExactly("--set renewal.families.office2013.kmss: unknown key (known here: kms, makFallback)");
        assertThat(errors(Map.of(), Optional.empty(), "brige.port=1"))
                .singleElement(STRING)
                .startsWith("--set brige.port: unknown key (known at the top level: bridge, dashboard, dataDir, ");
    }

    @Test
    void aSetSectionListOrMapSaysHowItIsSetInstead() {
        assertThat(errors(Map.of(), Optional.empty(), "bridge.tls=on"))
                .containsExactly("--set bridge.tls: a section, not a key (its keys: certFile, clientCaFile, keyFile)");
        assertThat(errors(Map.of(), Optional.empty(), "bridge.tokens=ops", "bridge.tokens.0.role=admin"))
                .containsExactly(
                        "--set bridge.tokens: a list of entries; write it in the configuration file",
                        "--set bridge.tokens.0.role: bridge.tokens is a list of entries; write it in the configuration"
                                + " file");
        assertThat(errors(Map.of(), Optional.empty(), "renewal.families=kms.corp"))
                .containsExactly("--set renewal.families: a map; set one entry's key, as --set"
                        + " renewal.families.<family>.kms=VALUE");
    }

    @Test
    void aSetListGivenOneValueSaysHowAListIsWritten() {
        // An administrator's first try; it said only "expected a list".
        assertThat(errors(Map.of(), Optional.empty(), "fleet.hubs=hub-a.corp:7688"))
                .containsExactly(
                        "--set fleet.hubs: expected a list, got 'hub-a.corp:7688' (write it as [hub-a.corp:7688], or [a, b]"
                                + " for more)");
        // Written so, the list is taken: what is left is the hubs' trust, which a list of hubs needs.
        assertThat(errors(Map.of(), Optional.empty(), "fleet.hubs=[hub-a.corp:7688]"))
                .singleElement(STRING)
                .startsWith("fleet.trust: give the hubs' certificate fingerprints");
    }

    @Test
    void aListGivenOneBracketedAddressIsShownQuotedInsideTheList() {
        // [[fd00::1]:7688] is what the MSI makes of HUBS=[fd00::1]:7688; the hint once wrapped it in brackets again,
        // and again at every try, where only the quoted form is read as one hub.
        assertThat(errors(Map.of("KMSAGENT_FLEET_HUBS", "[[fd00::1]:7688]"), Optional.empty()))
                .singleElement(STRING)
                .endsWith("fleet.hubs: expected a list, got '[[fd00::1]:7688]' (write it as [\"[fd00::1]:7688\"],"
                        + " or [a, b] for more)");
        assertThat(errors(Map.of(), Optional.empty(), "fleet.hubs=[fd00::1]:7688"))
                .singleElement(STRING)
                .isEqualTo("--set fleet.hubs: expected a list, got '[fd00::1]:7688' (write it as"
                        + " [\"[fd00::1]:7688\"], or [a, b] for more)");
        assertThat(errors(Map.of("KMSAGENT_FLEET_HUBS", "[\"[fd00::1]:7688\"]"), Optional.empty()))
                .singleElement(STRING)
                .startsWith("fleet.trust: give the hubs' certificate fingerprints");
    }

    @Test
    void aMissingEnvironmentReferenceNamesTheKeyNotTheValue() throws Exception {
        Path file = yaml("bridge:\n  tokens:\n    - {name: ops, token: \"${NO_SUCH_VAR}\", role: admin}\n");
        assertThat(errors(Map.of(), Optional.of(file)))
                .containsExactly(file + ":3: bridge.tokens[0].token: environment variable NO_SUCH_VAR is not set");
    }

    @Test
    void aCommandThatUsesNoSecretReadsAFileWhoseTokensComeFromVariablesItsConsoleLacks() throws Exception {
        // The shipped agent.yaml's way of writing a token; only the service's environment holds the secret.
        Path file = yaml("bridge:\n  tokens:\n    - {name: ops, token: \"${KMSAGENT_ADMIN_TOKEN}\", role: admin}\n"
                + "fleet:\n  hubs: [hub-a.corp:7688]\n  trust: [\"" + "AB:".repeat(31) + "AB\"]\n"
                + "  token: \"${FLEET_TOKEN}\"\ndataDir: \"${NO_SUCH_DATA}\"\n");

        // status, doctor, products, gvlk: the secrets may be unset; any other key's variable may not.
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).withoutSecrets().load(Optional.of(file), List.of()))
                .isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).errors(), InstanceOfAssertFactories.list(String.class))
                .containsExactly(file + ":8: dataDir: environment variable NO_SUCH_DATA is not set");
        AgentConfig offline = new ConfigLoader(Map.of("NO_SUCH_DATA", "data"))
                .withoutSecrets()
                .load(Optional.of(file), List.of());
        assertThat(offline.dataDir()).isEqualTo("data");
        // run and hub still refuse both, naming each key.
        assertThat(errors(Map.of("NO_SUCH_DATA", "data"), Optional.of(file)))
                .containsExactly(
                        file + ":3: bridge.tokens[0].token: environment variable KMSAGENT_ADMIN_TOKEN is not set",
                        file + ":7: fleet.token: environment variable FLEET_TOKEN is not set");
    }

    @Test
    void aTokenNeverAppearsInItsDescription() throws Exception {
        AgentConfig c = load(Map.of(), Optional.empty(), "bridge.anonymous=read");
        TokenConfig t = new TokenConfig("ops", "s3cret-s3cret-s3cret", Role.ADMIN);
        assertThat(t.toString()).doesNotContain("s3cret");
        assertThat(c.bridge().anonymous()).isEqualTo(Role.READ);
    }

    @Test
    void aMissingFileIsAnError() {
        assertThat(errors(Map.of(), Optional.of(dir.resolve("nope.yaml"))))
                .singleElement()
                .asString()
                .endsWith("nope.yaml: configuration file not found");
    }
}
