package org.kmsagent.agent.hub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.RequestBody;

/** The expiring-machines table as the hub cuts it: filter, sort and page on the server. */
class ExpiringPageTest {
    private static JsonArray fleet(int n) {
        JsonArray rows = new JsonArray();
        for (int i = 0; i < n; i++) {
            String id = String.format("pc-%05d", i);
            rows.add(new JsonObject()
                    .put("agentId", id)
                    .put("hostName", id.toUpperCase())
                    .put("family", i % 2 == 0 ? "windows-client" : "office2013")
                    .put("product", "P")
                    .put("validUntil", String.format("2026-03-%02dT00:00:00Z", 1 + i % 28))
                    .put("daysLeft", (long) (i % 28) - 3)
                    .put("cause", i % 7 == 0 ? "HOST_UNREACHABLE: no answer" : "has not tried to renew"));
        }
        return rows;
    }

    private static ExpiringPage.Request request(String... params) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < params.length; i += 2) {
            m.add(params[i], params[i + 1]);
        }
        return ExpiringPage.Request.parse(m);
    }

    private static List<Object> column(JsonObject page, String field) {
        return page.getJsonArray("rows").stream()
                .map(r -> ((JsonObject) r).getValue(field))
                .toList();
    }

    @Test
    void aPageOfTenThousandIsFiftyRowsSoonestFirstWithTheTotal() {
        JsonObject page = ExpiringPage.of(fleet(10_000), request());

        assertThat(page.getInteger("total")).isEqualTo(10_000);
        assertThat(page.getJsonArray("rows")).hasSize(50);
        assertThat(column(page, "daysLeft")).first().isEqualTo(-3L);
        // Ties in days left come in agent order, so paging never repeats or skips a row.
        assertThat(column(page, "agentId")).startsWith("pc-00000", "pc-00028", "pc-00056");
    }

    @Test
    void searchMatchesAnyColumnIgnoringCaseAndSortsByTheChosenColumn() {
        JsonObject page = ExpiringPage.of(
                fleet(1_000), request("q", "host_unreachable", "sort", "hostName", "dir", "desc", "limit", "500"));

        assertThat(page.getInteger("total")).isEqualTo(143); // every 7th of 1,000
        assertThat(column(page, "hostName")).first().isEqualTo("PC-00994");
        assertThat(column(page, "cause")).allMatch(c -> ((String) c).startsWith("HOST_UNREACHABLE"));
    }

    /** Two machines named alike (a re-imaged one under a new agent id): each row keeps its agent id, and sorts by it. */
    @Test
    void machinesOfOneHostNameKeepTheirAgentIdsAndSortByThem() {
        JsonArray rows = fleet(3);
        for (String id : List.of("vm-new-2c91", "vm-old-7f3a")) {
            rows.add(new JsonObject()
                    .put("agentId", id)
                    .put("hostName", "vm")
                    .put("family", "windows-client")
                    .put("product", "P")
                    .put("validUntil", "2026-03-05T00:00:00Z")
                    .put("daysLeft", 1L)
                    .put("cause", "has not tried to renew"));
        }

        JsonObject byName = ExpiringPage.of(rows, request("q", "VM", "sort", "hostName"));
        assertThat(column(byName, "hostName")).containsExactly("vm", "vm");
        assertThat(column(byName, "agentId")).containsExactly("vm-new-2c91", "vm-old-7f3a");
        JsonObject byAgent = ExpiringPage.of(rows, request("sort", "agentId", "dir", "desc"));
        assertThat(column(byAgent, "agentId"))
                .containsExactly("vm-old-7f3a", "vm-new-2c91", "pc-00002", "pc-00001", "pc-00000");
    }

    @Test
    void theLastPageHoldsWhatIsLeftAndAnOffsetBeyondTheEndIsEmpty() {
        assertThat(ExpiringPage.of(fleet(120), request("offset", "100")).getJsonArray("rows"))
                .hasSize(20);
        JsonObject beyond = ExpiringPage.of(fleet(120), request("offset", "500"));
        assertThat(beyond.getJsonArray("rows")).isEmpty();
        assertThat(beyond.getInteger("offset")).isEqualTo(120);
    }

    @Test
    void badParametersAreNamed() {
        assertThatThrownBy(() -> request("sort", "colour")).hasMessageStartingWith("sort: expected one of");
        assertThatThrownBy(() -> request("dir", "up")).hasMessage("dir: expected asc or desc, got \"up\" (text)");
        assertThatThrownBy(() -> request("limit", "5000")).hasMessage("limit: expected a whole number 1-500, got 5000");
        assertThatThrownBy(() -> request("days", "x"))
                .hasMessage("days: expected a whole number 0-3650, got \"x\" (text)");
    }

    /** Too large for an int, or for a long: out of range like 5000, in a bus field's words. */
    @Test
    void aNumberTooLargeForAnyFieldIsOutOfRange() {
        assertThatThrownBy(() -> request("days", "99999999999"))
                .isInstanceOf(ControlException.class)
                .hasMessage("days: expected a whole number 0-3650, got 99999999999");
        assertThatThrownBy(() -> request("offset", "99999999999999999999"))
                .hasMessage("offset: expected a whole number 0-2147483647, got 99999999999999999999");
    }

    /** The dashboard's query string and a hub's fleet.expiring address (FleetRequestCheckTest) refuse alike. */
    @Test
    void aParameterIsRefusedAsTheSameValueInABusFieldIs() {
        for (String given : List.of("99999999999", "-1", "x", "9".repeat(5_000))) {
            // A JSON number of any size, as a client's JSON parser reads digits; anything else JSON text.
            Object asJson = given.matches("-?[0-9]+") ? new BigInteger(given) : given;
            Throwable bus = catchThrowable(() -> RequestBody.of(new JsonObject().put("days", asJson), List.of("days"))
                    .whole("days", 0, 3650));

            assertThatThrownBy(() -> request("days", given)).as(given).hasMessage(bus.getMessage());
        }
    }
}
