package io.flowmasq.natctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flowmasq.rest.RestServer;
import io.flowmasq.rest.RestSettings;
import io.flowmasq.rest.SwitchView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code natctl rules}, {@code rules add}, {@code rules delete}: the real CLI against the real REST server. */
class NatctlRulesTest {
    private static final String DPID = FakeService.DPID;
    private static final String WEB = "{\"id\":\"web\",\"type\":\"portForward\",\"protocol\":\"tcp\","
            + "\"public\":\"203.0.113.1:8080\",\"inside\":\"10.0.0.13:80\"}";

    private final FakeService service = new FakeService();
    private final List<RestServer> servers = new ArrayList<>();

    private record Result(int code, String out, String err) {
    }

    @AfterEach
    void stop() {
        servers.forEach(RestServer::close);
    }

    private String start(String token) throws InterruptedException {
        RestServer server = new RestServer(new RestSettings(new InetSocketAddress("127.0.0.1", 0), token),
                service, null);
        servers.add(server);
        server.start();
        return "http://127.0.0.1:" + server.boundAddress().getPort();
    }

    private Result natctl(String url, String... args) {
        List<String> all = new ArrayList<>(List.of("--url", url));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Natctl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err), Map.of());
        return new Result(code, out.toString(), err.toString());
    }

    private void chainOfEveryForm() {
        for (String rule : List.of(WEB,
                "{\"id\":\"h2\",\"type\":\"static\",\"inside\":\"10.0.0.12\",\"public\":\"203.0.113.12\","
                        + "\"match\":{\"protocol\":\"tcp\"},\"status\":{\"state\":\"installed\",\"hosts\":1}}",
                "{\"id\":\"site-b\",\"type\":\"twice\",\"inside\":\"10.0.0.0/24\",\"insideAs\":\"10.88.0.0/24\","
                        + "\"outside\":\"10.0.0.0/24\",\"outsideAs\":\"10.99.0.0/24\"}",
                "{\"id\":\"staff\",\"type\":\"pool\",\"match\":{\"inside\":\"10.0.0.0/25\"},\"addresses\":"
                        + "[\"203.0.113.20-203.0.113.29\",\"203.0.113.40/30\"],\"fallback\":\"203.0.113.1\"}",
                "{\"id\":\"www\",\"type\":\"virtualServer\",\"protocol\":\"tcp\",\"public\":\"203.0.113.80:80\","
                        + "\"servers\":[{\"address\":\"10.0.0.13:80\",\"weight\":3},{\"address\":\"10.0.0.14:80\"}]}",
                "{\"id\":\"lan\",\"type\":\"masquerade\",\"match\":{\"inside\":\"10.0.0.0/24\",\"outside\":\"any\","
                        + "\"protocol\":\"any\",\"ports\":\"1-65535\"},\"addresses\":[]}")) {
            service.rules.add(FakeService.rule(rule));
        }
    }

    @Test
    void rulesTableShowsEveryConfiguredSwitchsChainInOrder() throws Exception {
        chainOfEveryForm();
        service.otherSwitches.add(new SwitchView("00:00:00:00:00:00:00:09", null, "OF_10", "/127.0.0.1:40001",
                "2026-11-25T15:00:00Z", false, true, 0, null, null, null));
        Result r = natctl(start(null), "rules");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("SWITCH {19}POS  ID {6}TYPE {11}SUMMARY +STATUS"), lines.get(0));
        assertEquals(List.of(
                List.of(DPID, "1", "web", "portForward", "tcp 203.0.113.1:8080 -> 10.0.0.13:80", "-"),
                List.of(DPID, "2", "h2", "static", "10.0.0.12 <-> 203.0.113.12 (tcp)", "installed hosts=1"),
                List.of(DPID, "3", "site-b", "twice", "10.0.0.0/24 as 10.88.0.0/24 <-> 10.0.0.0/24 as 10.99.0.0/24",
                        "-"),
                List.of(DPID, "4", "staff", "pool", "from 10.0.0.0/25 -> pool 203.0.113.20-203.0.113.29,"
                        + "203.0.113.40/30 (fallback 203.0.113.1)", "-"),
                List.of(DPID, "5", "www", "virtualServer", "tcp 203.0.113.80:80 -> 10.0.0.13:80*3,10.0.0.14:80*1 "
                        + "weighted", "-"),
                List.of(DPID, "6", "lan", "masquerade", "from 10.0.0.0/24 -> outside address", "-")),
                lines.subList(1, 7).stream().map(l -> List.of(l.split(" {2,}"))).toList());
        assertEquals("6 rule(s)", lines.get(7));
        assertEquals(8, lines.size(), "the unconfigured switch has no chain to list");
    }

    @Test
    void rulesOfOneSwitchInAnyDpidFormAndAsJson() throws Exception {
        service.rules.add(FakeService.rule(WEB));
        String url = start(null);
        Result r = natctl(url, "rules", "-s", "0x1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().skip(1).findFirst().orElseThrow().startsWith(DPID + "  1    web"), r.out());
        JsonObject doc = JsonParser.parseString(natctl(url, "rules", "--switch", "1", "--json").out())
                .getAsJsonObject();
        assertEquals(service.rules(DPID), doc);
        JsonArray all = JsonParser.parseString(natctl(url, "rules", "--json").out()).getAsJsonArray();
        assertEquals(1, all.size(), "one document per configured switch");
        Result unknown = natctl(url, "rules", "-s", "7");
        assertEquals(3, unknown.code());
        assertEquals("natctl: no configured switch 00:00:00:00:00:00:00:07; field=dpid (HTTP 404)\n", unknown.err());
        Result bad = natctl(url, "rules", "-s", "edge 1");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("got 'edge 1'; field=dpid (HTTP 400)"), bad.err());
    }

    @Test
    void addInsertsAtThePositionGivenAndPrintsTheRule() throws Exception {
        service.rules.add(FakeService.rule("{\"id\":\"lan\",\"type\":\"masquerade\"}"));
        Result r = natctl(start(null), "rules", "add", "-s", DPID, "--position", "1", WEB);
        assertEquals(0, r.code(), r.err());
        assertEquals("rule 'web' added at position 1: portForward tcp 203.0.113.1:8080 -> 10.0.0.13:80\n", r.out());
        assertEquals(List.of("add 1 " + WEB), service.ruleRequests, "position apart from the rule");
        assertEquals(List.of("web", "lan"), service.rules.stream().map(o -> o.get("id").getAsString()).toList());
    }

    @Test
    void addReadsTheRuleFromAFileAndAppendsByDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("web.json");
        Files.writeString(file, "{\n  \"id\": \"web\", \"type\": \"portForward\", \"protocol\": \"tcp\",\n"
                + "  \"public\": \"203.0.113.1:8080\", \"inside\": \"10.0.0.13:80\"\n}\n");
        Result r = natctl(start(null), "rules", "add", "--switch", "1", "-f", file.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject created = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(1, created.get("position").getAsInt());
        assertEquals("installed", created.getAsJsonObject("status").get("state").getAsString());
        assertEquals(List.of("add null " + WEB), service.ruleRequests);
    }

    @Test
    void addRefusalsPrintTheApiMessageAndExitByStatus() throws Exception {
        service.rules.add(FakeService.rule(WEB));
        String url = start(null);
        Result conflict = natctl(url, "rules", "add", "-s", DPID, WEB);
        assertEquals(6, conflict.code());
        assertEquals("natctl: rule id 'web' is taken; field=id; conflictsWith=web (HTTP 409)\n", conflict.err());
        Result invalid = natctl(url, "rules", "add", "-s", DPID, "{\"id\":\"x\"}");
        assertEquals(1, invalid.code());
        assertEquals("natctl: 'type' is required; field=type (HTTP 400)\n", invalid.err());
        Result position = natctl(url, "rules", "add", "-s", DPID, "--position", "0", "{\"id\":\"x\",\"type\":\"pool\"}");
        assertEquals(1, position.code());
        assertTrue(position.err().contains("field=position (HTTP 400)"), position.err());
        assertEquals(3, natctl(url, "rules", "add", "-s", "2", WEB).code(), "unknown switch");
    }

    @Test
    void addUsageErrorsExitTwoWithoutARequest(@TempDir Path dir) throws Exception {
        String url = start(null);
        assertEquals(2, natctl(url, "rules", "add", WEB).code(), "no --switch");
        Result none = natctl(url, "rules", "add", "-s", DPID);
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("natctl: give the rule as an argument or with -f FILE (one of them)\n"),
                none.err());
        assertEquals(2, natctl(url, "rules", "add", "-s", DPID, "-f", dir.resolve("x.json").toString(), WEB).code());
        Result missing = natctl(url, "rules", "add", "-s", DPID, "-f", dir.resolve("none.json").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("natctl: cannot read "), missing.err());
        Result notJson = natctl(url, "rules", "add", "-s", DPID, "{\"id\":");
        assertEquals(2, notJson.code());
        assertTrue(notJson.err().startsWith("natctl: the rule is not valid JSON"), notJson.err());
        Result array = natctl(url, "rules", "add", "-s", DPID, "[1]");
        assertEquals(2, array.code());
        assertTrue(array.err().startsWith("natctl: the rule must be a JSON object, like {\"type\":\"masquerade\"}\n"),
                array.err());
        Result twice = natctl(url, "rules", "add", "-s", DPID, "--position", "2", "{\"position\":1,\"type\":\"pool\"}");
        assertEquals(2, twice.code());
        assertEquals(2, natctl(url, "rules", "add", "-s", DPID, "--position", "one", WEB).code());
        assertEquals(List.of(), service.ruleRequests);
    }

    @Test
    void deleteRemovesTheRuleAndExitsThreeWhenItIsGone() throws Exception {
        service.rules.add(FakeService.rule(WEB));
        String url = start(null);
        Result r = natctl(url, "rules", "delete", "-s", DPID, "web");
        assertEquals(0, r.code(), r.err());
        assertEquals("rule 'web' deleted (1 binding(s) removed)\n", r.out());
        assertEquals(List.of(), service.rules);
        Result again = natctl(url, "rules", "delete", "-s", DPID, "web", "--json");
        assertEquals(3, again.code());
        assertEquals("natctl: no rule 'web' on switch " + DPID + "; field=id (HTTP 404)\n", again.err());
        Result odd = natctl(url, "rules", "delete", "-s", DPID, "a b/c");
        assertEquals(3, odd.code(), "a path-unsafe id is percent-encoded, not a broken URL: " + odd.err());
        assertEquals(2, natctl(url, "rules", "delete", "web").code(), "no --switch");
    }

    @Test
    void rulesNeedTheToken() throws Exception {
        String url = start("rules-token-rules-token");
        Result denied = natctl(url, "rules");
        assertEquals(5, denied.code());
        assertTrue(denied.err().contains("FLOWMASQ_API_TOKEN"), denied.err());
        assertEquals(5, natctl(url, "rules", "add", "-s", DPID, WEB).code());
        assertEquals(0, natctl(url, "--token", "rules-token-rules-token", "rules", "add", "-s", DPID, WEB).code());
        assertEquals(0, natctl(url, "--token", "rules-token-rules-token", "rules", "delete", "-s", DPID, "web").code());
    }
}
