package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PagingTest {
    private static Paging parse(String query) {
        return Paging.parse(ApiRequest.parse(HttpMethod.GET, "/b?" + query));
    }

    private static List<BindingView> ids(long... ids) {
        return LongStream.of(ids).mapToObj(BindingsReadTest::numbered).toList();
    }

    @Test
    void cursorIsBase64urlOfVersionAndLastId() {
        assertEquals("djE6NDQ", Paging.cursor(44));
        assertEquals("v1:9223372036854775807", new String(Base64.getUrlDecoder().decode(Paging.cursor(Long.MAX_VALUE)),
                StandardCharsets.US_ASCII));
        assertEquals(44L, parse("cursor=" + Paging.cursor(44)).after());
        assertEquals(44L, parse("cursor=djE6NDQ=").after(), "padding tolerated");
    }

    @Test
    void defaultsAndBounds() {
        assertEquals(new Paging(1000, null), parse(""));
        assertEquals(1, parse("limit=1").limit());
        assertEquals(10_000, parse("limit=10000").limit());
        assertNull(parse("limit=5").after());
        for (String bad : List.of("limit=0", "limit=10001", "limit=00000000001", "limit=+5", "limit= 5")) {
            assertEquals("limit", assertThrows(ApiException.class, () -> parse(bad)).field(), bad);
        }
    }

    @Test
    void startIsFoundByBinarySearch() {
        List<BindingView> table = ids(2, 4, 6, 9);
        assertEquals(0, new Paging(10, null).start(table));
        assertEquals(0, new Paging(10, 1L).start(table));
        assertEquals(1, new Paging(10, 2L).start(table));
        assertEquals(2, new Paging(10, 5L).start(table), "after a binding that has gone");
        assertEquals(4, new Paging(10, 9L).start(table));
        assertEquals(4, new Paging(10, 100L).start(table));
        assertEquals(0, new Paging(10, 3L).start(List.of()));
        assertEquals(3, Paging.firstAbove(table, 8));
    }
}
