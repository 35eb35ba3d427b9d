package io.flowmasq.rest;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.flowmasq.rest.FakeNatService.ICMP_A;
import static io.flowmasq.rest.FakeNatService.STATIC_SSH;
import static io.flowmasq.rest.FakeNatService.TCP_A;
import static io.flowmasq.rest.FakeNatService.UDP_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/v1/bindings and /bindings/{id} over real HTTP: filters, paging, the streamed page. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BindingsReadTest {
    private final ServerFixture fixture = new ServerFixture();
    private final FakeNatService service = fixture.service;
    private final TestClient client = fixture.client;
    private final JsonCodec codec = new JsonCodec();

    @AfterAll
    void stop() {
        fixture.close();
    }

    @BeforeEach
    void reset() {
        service.reset();
    }

    private List<BindingView> list(String query) {
        TestClient.Response response = client.get("/api/v1/bindings" + query);
        assertEquals(200, response.status(), response.body());
        return codec.decodeBindings(response.json());
    }

    static BindingView numbered(long id) {
        return new BindingView(id, FakeNatService.DPID_1, "edge-1", id % 2 == 0 ? "tcp" : "udp",
                "10.0.0." + (id % 7 + 1), (int) (1024 + id % 60000), "203.0.113.1", (int) (1024 + id % 64000), null,
                "active", "dynamic", id, 300, 200L, "0x" + Long.toHexString(id), null, List.of());
    }

    @Test
    void pageIsStreamedWithCountCursorAndSnapshotTime() {
        TestClient.Response response = client.get("/api/v1/bindings");
        assertEquals(200, response.status());
        assertEquals("chunked", response.header("transfer-encoding"));
        assertNull(response.header("content-length"));
        assertEquals("no-store", response.header("cache-control"));
        JsonObject page = response.json();
        assertEquals(List.of(TCP_A, UDP_B, ICMP_A, STATIC_SSH), codec.decodeBindings(page));
        assertEquals(4, page.get("count").getAsInt());
        assertTrue(page.get("next_cursor").isJsonNull());
        assertEquals("2026-11-25T15:22:42.137Z", page.get("snapshot_time").getAsString());
        assertEquals(List.of("bindings", "count", "next_cursor", "snapshot_time"), List.copyOf(page.keySet()));
    }

    @Test
    void emptyTableIsAnEmptyPage() {
        service.bindings = List.of();
        TestClient.Response response = client.get("/api/v1/bindings");
        assertEquals("{\"bindings\":[],\"count\":0,\"next_cursor\":null,\"snapshot_time\":\"2026-11-25T15:22:42.137Z\"}",
                response.body());
    }

    @Test
    void filtersCombineWithAnd() {
        assertEquals(List.of(TCP_A, ICMP_A), list("?inside=10.0.0.5"));
        assertEquals(List.of(TCP_A, ICMP_A), list("?inside=10.0.0.05"), "one spelling per address");
        assertEquals(List.of(TCP_A, UDP_B, STATIC_SSH), list("?public=203.0.113.1"));
        assertEquals(List.of(STATIC_SSH), list("?public=203.0.113.1:2222"));
        assertEquals(List.of(UDP_B), list("?proto=udp"));
        assertEquals(List.of(UDP_B), list("?proto=UDP"));
        assertEquals(List.of(ICMP_A), list("?switch=00:00:00:00:00:00:00:02"));
        assertEquals(List.of(ICMP_A), list("?switch=0x2"));
        assertEquals(List.of(ICMP_A), list("?switch=2"));
        assertEquals(List.of(TCP_A), list("?state=established"));
        assertEquals(List.of(UDP_B, ICMP_A, STATIC_SSH), list("?state=active"));
        assertEquals(List.of(STATIC_SSH), list("?origin=static"));
        assertEquals(List.of(STATIC_SSH), list("?origin=static&proto=tcp&switch=1&inside=10.0.0.11&state=active"));
        assertEquals(List.of(), list("?inside=10.0.0.6&proto=tcp"));
        assertEquals(List.of(), list("?state=closing"), "a known state nobody is in");
    }

    @Test
    void badFilterOrPagingIs400NamingTheField() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("?proto=sctp", "proto"), Map.entry("?inside=10.0.0.300", "inside"),
                Map.entry("?inside=10.0.0.5:22", "inside"), Map.entry("?inside=host.example", "inside"),
                Map.entry("?inside=::1", "inside"), Map.entry("?public=203.0.113.1:0", "public"),
                Map.entry("?public=203.0.113.1:65536", "public"), Map.entry("?public=x:1", "public"),
                Map.entry("?switch=core-1", "switch"), Map.entry("?state=ESTABLISHED-ish", "state"),
                Map.entry("?state=listening", "state"), Map.entry("?origin=manual", "origin"),
                Map.entry("?colour=red", "colour"), Map.entry("?proto=tcp&proto=udp", "proto"),
                Map.entry("?inside=", "inside"), Map.entry("?limit=0", "limit"), Map.entry("?limit=10001", "limit"),
                Map.entry("?limit=-1", "limit"), Map.entry("?limit=ten", "limit"), Map.entry("?limit=1e3", "limit"),
                Map.entry("?cursor=", "cursor"), Map.entry("?cursor=!!", "cursor"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            TestClient.Response response = client.get("/api/v1/bindings" + c.getKey());
            assertEquals(400, response.status(), c.getKey());
            assertEquals(c.getValue(), response.field(), c.getKey());
            assertTrue(response.error().contains(c.getValue()), response.body());
        }
    }

    @Test
    void badCursorIs400() {
        for (String forged : List.of("v2:5", "v1:", "v1:x", "v1:-1", "v1:99999999999999999999", "5", "v1:5 ")) {
            String cursor = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(forged.getBytes(StandardCharsets.US_ASCII));
            TestClient.Response response = client.get("/api/v1/bindings?cursor=" + cursor);
            assertEquals(400, response.status(), forged);
            assertEquals("cursor", response.field());
        }
        assertEquals(200, client.get("/api/v1/bindings?cursor=" + Paging.cursor(2)).status());
    }

    @Test
    void pagesFollowTheCursorToTheEnd() {
        service.bindings = IntStream.rangeClosed(1, 25).mapToObj(BindingsReadTest::numbered).toList();
        List<JsonObject> pages = client.allPages("", 10);
        assertEquals(List.of(10, 10, 5), pages.stream().map(p -> p.get("count").getAsInt()).toList());
        List<Long> ids = new ArrayList<>();
        pages.forEach(p -> codec.decodeBindings(p).forEach(b -> ids.add(b.id())));
        assertEquals(IntStream.rangeClosed(1, 25).mapToObj(i -> (long) i).toList(), ids);
    }

    @Test
    void aFullLastPageHasNoCursorSoNoEmptyPageFollows() {
        service.bindings = IntStream.rangeClosed(1, 20).mapToObj(BindingsReadTest::numbered).toList();
        assertEquals(List.of(10, 10), client.allPages("", 10).stream().map(p -> p.get("count").getAsInt()).toList());
    }

    @Test
    void filteredPagingSkipsWhatDoesNotMatch() {
        service.bindings = IntStream.rangeClosed(1, 25).mapToObj(BindingsReadTest::numbered).toList();
        List<Long> ids = new ArrayList<>();
        client.allPages("proto=tcp", 4).forEach(p -> codec.decodeBindings(p).forEach(b -> ids.add(b.id())));
        assertEquals(IntStream.rangeClosed(1, 12).mapToObj(i -> 2L * i).toList(), ids);
    }

    @Test
    void cursorSurvivesTheDeletionOfItsBinding() {
        service.bindings = IntStream.rangeClosed(1, 6).mapToObj(BindingsReadTest::numbered).toList();
        JsonObject first = client.get("/api/v1/bindings?limit=3").json();
        String cursor = first.get("next_cursor").getAsString();
        service.bindings = service.bindings.stream().filter(b -> b.id() != 3 && b.id() != 4).toList();
        List<BindingView> rest = codec.decodeBindings(client.get("/api/v1/bindings?limit=3&cursor=" + cursor).json());
        assertEquals(List.of(5L, 6L), rest.stream().map(BindingView::id).toList());
    }

    @Test
    void oneBindingById() {
        TestClient.Response response = client.get("/api/v1/bindings/5");
        assertEquals(200, response.status());
        assertEquals(STATIC_SSH, codec.decodeBinding(response.json()));
        assertEquals(TCP_A, codec.decodeBinding(client.get("/api/v1/bindings/1").json()));
    }

    @Test
    void absentBindingIs404NamingTheId() {
        TestClient.Response response = client.get("/api/v1/bindings/4");
        assertEquals(404, response.status());
        assertEquals("{\"error\":\"no binding 4\",\"field\":\"id\",\"id\":4}", response.body());
        assertEquals(404, client.get("/api/v1/bindings/9223372036854775807").status());
        service.bindings = List.of();
        assertEquals(404, client.get("/api/v1/bindings/1").status());
    }

    @Test
    void idMustBeAPositiveInteger() {
        for (String id : List.of("0", "-1", "abc", "1.5", "0x10", "99999999999999999999", "9223372036854775808", "%20")) {
            TestClient.Response response = client.get("/api/v1/bindings/" + id);
            assertEquals(400, response.status(), id);
            assertEquals("id", response.field(), id);
        }
    }
}
