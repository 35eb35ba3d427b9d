package io.flowmasq.natctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flowmasq.rest.RestServer;
import io.flowmasq.rest.RestSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real CLI (in-process, same code as the jar's main) against the real REST server on a free port. */
class NatctlTest {
    private static final String TOKEN = "correct-horse-battery-staple";

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

    private Result natctl(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Natctl.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Result(code, out.toString(), err.toString());
    }

    private Result natctl(String url, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--url";
        all[1] = url;
        System.arraycopy(args, 0, all, 2, args.length);
        return natctl(Map.of(), all);
    }

    @Test
    void bindingsTableShowsEveryBindingWithEndpointsAndCounters() throws Exception {
        service.bindings.add(FakeService.binding(7, "tcp", "10.0.0.11", 40000, 40000));
        service.bindings.add(FakeService.binding(9, "udp", "10.0.0.12", 5353, 61000));
        Result r = natctl(start(null), "bindings");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("ID  SWITCH  PROTO  INSIDE"), lines[0]);
        assertTrue(lines[1].matches("7\\s+s1\\s+tcp\\s+10\\.0\\.0\\.11:40000\\s+203\\.0\\.113\\.1:40000\\s+"
                + "203\\.0\\.113\\.10:7777\\s+active\\s+dynamic\\s+5s\\s+295s\\s+3\\s+2\\s+300\\s+200"), lines[1]);
        assertTrue(lines[2].startsWith("9 "), lines[2]);
        assertEquals("2 binding(s)", lines[3]);
    }

    @Test
    void bindingsFiltersReachTheServer() throws Exception {
        service.bindings.add(FakeService.binding(7, "tcp", "10.0.0.11", 40000, 40000));
        service.bindings.add(FakeService.binding(9, "udp", "10.0.0.12", 5353, 61000));
        String url = start(null);
        JsonArray json = JsonParser.parseString(natctl(url, "bindings", "--inside", "10.0.0.12", "--json").out())
                .getAsJsonArray();
        assertEquals(1, json.size());
        assertEquals(9, json.get(0).getAsJsonObject().get("id").getAsLong());
        Result bad = natctl(url, "bindings", "--proto", "sctp");
        assertEquals(1, bad.code(), "the API refused the filter");
        assertTrue(bad.err().contains("proto"), bad.err());
    }

    @Test
    void bindingsFollowsCursorsAcrossPages() throws Exception {
        service.bindings.addAll(service.many(25_000));
        Result r = natctl(start(null), "bindings", "--json");
        assertEquals(0, r.code(), r.err());
        JsonArray all = JsonParser.parseString(r.out()).getAsJsonArray();
        assertEquals(25_000, all.size(), "three pages of at most 10000");
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i).getAsJsonObject().get("id").getAsLong());
        }
    }

    @Test
    void showAndDeleteWithExitCodesForMissingBindings() throws Exception {
        service.bindings.add(FakeService.binding(7, "tcp", "10.0.0.11", 40000, 40000));
        String url = start(null);
        Result show = natctl(url, "show", "7");
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains("inside_address: 10.0.0.11"), show.out());
        assertTrue(show.out().contains("traffic:\n  packets_out: 3"), show.out());

        Result delete = natctl(url, "delete", "7");
        assertEquals(0, delete.code(), delete.err());
        assertEquals("binding 7 deleted\n", delete.out());
        assertEquals(List.of(7L), service.deleted);

        assertEquals(3, natctl(url, "show", "7").code());
        Result again = natctl(url, "delete", "7");
        assertEquals(3, again.code());
        assertEquals("binding 7 does not exist\n", again.out());
        assertEquals(0, natctl(url, "delete", "--ignore-missing", "7").code());
    }

    @Test
    void bulkDeleteByInsideAddress() throws Exception {
        service.bindings.add(FakeService.binding(7, "tcp", "10.0.0.11", 40000, 40000));
        service.bindings.add(FakeService.binding(8, "udp", "10.0.0.11", 53, 53000));
        service.bindings.add(FakeService.binding(9, "udp", "10.0.0.12", 53, 53001));
        Result r = natctl(start(null), "delete", "--inside", "10.0.0.11", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject answer = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(2, answer.get("count").getAsInt());
        assertEquals(List.of(7L, 8L), service.deleted);
    }

    @Test
    void addCreatesAStaticBindingAndConflictsExitSix() throws Exception {
        service.bindings.add(FakeService.binding(7, "tcp", "10.0.0.11", 40000, 8080));
        String url = start(null);
        Result ok = natctl(url, "add", "--proto", "tcp", "--inside", "10.0.0.12:22", "--public", "203.0.113.1:2222");
        assertEquals(0, ok.code(), ok.err());
        assertEquals("binding 1001 created: tcp 10.0.0.12:22 <-> 203.0.113.1:2222\n", ok.out());
        assertEquals("10.0.0.12", service.created.get(0).insideAddress());
        assertEquals(2222, service.created.get(0).publicPort());

        Result conflict = natctl(url, "add", "-p", "tcp", "--inside", "10.0.0.13:80", "--public", "203.0.113.1:8080");
        assertEquals(6, conflict.code());
        assertTrue(conflict.err().contains("conflicting_binding=7"), conflict.err());

        Result bad = natctl(url, "add", "-p", "tcp", "--inside", "10.0.0.13", "--public", "203.0.113.1:8081");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("field=inside"), bad.err());
    }

    @Test
    void switchesStatsConfigAndHealth() throws Exception {
        service.bindings.add(FakeService.binding(7, "tcp", "10.0.0.11", 40000, 40000));
        String url = start(null);
        Result switches = natctl(url, "switches");
        assertEquals(0, switches.code(), switches.err());
        assertTrue(switches.out().lines().skip(1).findFirst().orElseThrow()
                .matches("00:00:00:00:00:00:00:01\\s+s1\\s+OF_13\\s+true\\s+true\\s+.*\\s+1\\s+12\\s+"
                        + "1\\(inside\\),3\\(outside\\)!down"), switches.out());
        Result stats = natctl(url, "stats");
        assertEquals(0, stats.code(), stats.err());
        assertTrue(stats.out().contains("bindings total  1"), stats.out());
        assertTrue(stats.out().contains("packet-ins/s    12.5"), stats.out());
        assertTrue(stats.out().contains("nat.packet_in        99"), stats.out());
        Result config = natctl(url, "config");
        assertTrue(config.out().contains("\"token\": \"********\""), config.out());
        assertEquals(0, natctl(url, "health").code());
        service.ready = false;
        Result unhealthy = natctl(url, "health");
        assertEquals(4, unhealthy.code(), unhealthy.out() + unhealthy.err());
    }

    @Test
    void watchJsonPrintsOneStatsDocumentPerLine() throws Exception {
        Result r = natctl(start(null), "watch", "--count", "2", "--interval", "0.1", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        for (String line : lines) {
            assertEquals(12.5, JsonParser.parseString(line).getAsJsonObject().get("packet_ins_per_second").getAsDouble());
        }
    }

    @Test
    void watchPrintsOneLinePerInterval() throws Exception {
        Result r = natctl(start(null), "watch", "--count", "3", "--interval", "0.1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("TIME"), lines.get(0));
        assertTrue(lines.get(2).matches("\\d\\d:\\d\\d:\\d\\d\\s+0\\s+0\\s+0\\s+12\\.5\\s+0\\.0\\s+0\\.0\\s+0\\.0"),
                lines.get(2));
    }

    @Test
    void tokenFromOptionOrEnvironmentElseExitFive() throws Exception {
        String url = start(TOKEN);
        Result denied = natctl(url, "bindings");
        assertEquals(5, denied.code());
        assertTrue(denied.err().contains("FLOWMASQ_API_TOKEN"), denied.err());
        assertEquals(5, natctl(url, "--token", "wrong-token-wrong-token", "bindings").code());
        assertEquals(0, natctl(url, "--token", TOKEN, "bindings").code());
        assertEquals(0, natctl(Map.of("FLOWMASQ_API_TOKEN", TOKEN, "FLOWMASQ_URL", url), "bindings").code());
    }

    @Test
    void unreachableControllerExitsFour() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Result r = natctl("http://127.0.0.1:" + closed, "--timeout", "2", "bindings");
        assertEquals(4, r.code());
        assertTrue(r.err().startsWith("natctl: cannot reach the controller at http://127.0.0.1:" + closed), r.err());
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        String url = start(null);
        assertEquals(2, natctl(url, "frobnicate").code());
        assertEquals(2, natctl(url, "delete").code(), "neither id nor --inside");
        assertEquals(2, natctl(url, "delete", "7", "--inside", "10.0.0.1").code());
        assertEquals(2, natctl(url, "show", "seven").code());
        Result badUrl = natctl(Map.of(), "--url", "ftp://x", "bindings");
        assertEquals(2, badUrl.code());
        assertTrue(badUrl.err().startsWith("natctl: --url: expected http://HOST:PORT, got ftp://x\n"), badUrl.err());
        Result unknown = natctl(url, "frobnicate");
        assertTrue(unknown.err().startsWith("natctl: Unmatched argument"), unknown.err());
        assertEquals(0, natctl(Map.of(), "--help").code());
    }
}
