package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.bridge.BridgeCaller;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.fleet.FleetAddresses;

class HubRoutesTest {
    private final HubRoutes routes = new HubRoutes(Set.of("agents"));

    @Test
    void onlyAgentTokensMayReportAndReceiveCommands() {
        assertThat(routes.sendRole("agents", FleetAddresses.EVENTS)).contains(Role.READ);
        assertThat(routes.sendRole("agents", FleetAddresses.REPLY_PREFIX + "hub-1"))
                .contains(Role.READ);
        assertThat(routes.sendRole("ops", FleetAddresses.REGISTER)).isEmpty();
        assertThat(routes.mayRegister("agents", Role.READ, FleetAddresses.agent("pc-1")))
                .isTrue();
        assertThat(routes.mayRegister("ops", Role.ADMIN, FleetAddresses.ALL_AGENTS))
                .isFalse();
    }

    @Test
    void anEnrolledAgentReceivesOnItsOwnAddressOnlyAndAsksNothing() {
        BridgeCaller pcB = new BridgeCaller("agent:pc-b", Role.READ, "pc-b");
        HubRoutes strict = new HubRoutes(Set.of());
        assertThat(strict.mayRegister(pcB, FleetAddresses.agent("pc-b"))).isTrue();
        assertThat(strict.mayRegister(pcB, FleetAddresses.ALL_AGENTS)).isTrue();
        assertThat(strict.mayRegister(pcB, FleetAddresses.agent("pc-a"))).isFalse();
        assertThat(strict.sendRole(pcB, FleetAddresses.EVENTS)).contains(Role.READ);
        assertThat(strict.sendRole(pcB, FleetAddresses.VIEW)).isEmpty();
        assertThat(strict.sendRole(pcB, FleetAddresses.ENROLL)).isEmpty();
        // Without the migration mode a shared token is nobody's agent.
        assertThat(strict.sendRole("agents", FleetAddresses.REGISTER)).isEmpty();
        assertThat(strict.sendRole("ops", FleetAddresses.ENROLL)).contains(Role.ADMIN);
    }

    @Test
    void theAuditAskedOfAHubPointsToTheFleetsAudit() {
        HubRoutes named = new HubRoutes(Set.of());
        named.named("hub-a");
        assertThat(named.unreachable(new BridgeCaller("ops", Role.ADMIN, null), BusAddresses.AUDIT))
                .isEqualTo("access_denied: this is fleet hub hub-a, not an agent: kmsagent.audit is an agent's; read"
                        + " the hub's audit, with what its agents forward, with ctl --hub HOST:PORT fleet audit");
        assertThat(named.unreachable(new BridgeCaller("ops", Role.ADMIN, null), "kmsagent.nothing"))
                .isEqualTo("access_denied: kmsagent.nothing is not reachable over the bridge");
    }

    @Test
    void queriesNeedReadAndRoutedChangesNeedAdmin() {
        assertThat(routes.sendRole("monitoring", FleetAddresses.VIEW)).contains(Role.READ);
        assertThat(routes.sendRole("monitoring", FleetAddresses.ROUTE_QUERY)).contains(Role.READ);
        assertThat(routes.sendRole("monitoring", FleetAddresses.ROUTE_CHANGE)).contains(Role.ADMIN);
        assertThat(routes.sendRole("monitoring", "kmsagent.fleet.unknown")).isEmpty();
    }
}
