package org.kmsagent.agent.fleet;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What an agent tells a hub when it registers.
 *
 * @param agentId its id in the fleet
 * @param hostName the machine's host name
 * @param osClass {@code client} or {@code server}
 * @param families the product families it manages
 * @param versions component versions (agent, each plugin)
 * @param cmids the machine's client machine ids, one per licensing application (for the duplicate finder)
 * @param heartbeatSeconds how often it sends heartbeats (the hub counts it gone after three)
 */
public record AgentDescription(
        String agentId,
        String hostName,
        String osClass,
        List<String> families,
        Map<String, String> versions,
        List<String> cmids,
        int heartbeatSeconds) {
    public AgentDescription {
        families = List.copyOf(families);
        versions = Map.copyOf(versions);
        cmids = List.copyOf(cmids);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("agentId", agentId)
                .put("hostName", hostName)
                .put("osClass", osClass)
                .put("families", new JsonArray(families))
                .put("versions", new JsonObject(new java.util.HashMap<String, Object>(versions)))
                .put("cmids", new JsonArray(cmids))
                .put("heartbeatSeconds", heartbeatSeconds);
    }
}
