package io.flowmasq.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large and changing tables: the listing is streamed from a lazy snapshot and each page is consistent. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BindingsStreamingTest {
    private final ServerFixture fixture = new ServerFixture();
    private final FakeNatService service = fixture.service;
    private final TestClient client = fixture.client;

    @AfterAll
    void stop() {
        fixture.close();
    }

    @BeforeEach
    void reset() {
        service.reset();
    }

    /** A snapshot that makes each view only when it is read, as the controller's may; counts the views made. */
    static final class LazyTable extends AbstractList<BindingView> {
        private final long[] ids;
        final AtomicLong made = new AtomicLong();

        LazyTable(long[] ids) {
            this.ids = ids;
        }

        @Override
        public BindingView get(int index) {
            made.incrementAndGet();
            return BindingsReadTest.numbered(ids[index]);
        }

        @Override
        public int size() {
            return ids.length;
        }
    }

    @Test
    void hundredThousandBindingsStreamPageByPageFromALazySnapshot() {
        int total = 100_000;
        LazyTable table = new LazyTable(java.util.stream.LongStream.rangeClosed(1, total).toArray());
        service.bindings = table;
        long expectedId = 1;
        int pages = 0;
        String cursor = null;
        do {
            TestClient.Response response = client.get("/api/v1/bindings?limit=10000"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, response.status());
            assertEquals("chunked", response.header("transfer-encoding"));
            JsonObject page = response.json();
            JsonArray bindings = page.getAsJsonArray("bindings");
            assertEquals(10_000, page.get("count").getAsInt());
            assertEquals(10_000, bindings.size());
            for (JsonElement b : bindings) {
                assertEquals(expectedId++, b.getAsJsonObject().get("id").getAsLong());
            }
            cursor = page.get("next_cursor").isJsonNull() ? null : page.get("next_cursor").getAsString();
            pages++;
        } while (cursor != null);
        assertEquals(10, pages);
        assertEquals(total + 1, expectedId);
        // Each view made about once: the page itself, one look-ahead, a binary search per cursor.
        assertTrue(table.made.get() <= total + pages * (1 + 18), "views made: " + table.made.get());
    }

    @Test
    void fullListingUnderAFilterScansWithoutHoldingThePage() {
        LazyTable table = new LazyTable(java.util.stream.LongStream.rangeClosed(1, 100_000).toArray());
        service.bindings = table;
        JsonObject page = client.get("/api/v1/bindings?limit=10000&inside=10.0.0.3&proto=tcp").json();
        // numbered(): inside 10.0.0.(id % 7 + 1), tcp when id is even: ids = 2 (mod 7) and even = 2 (mod 14).
        JsonArray bindings = page.getAsJsonArray("bindings");
        assertEquals(7_143, page.get("count").getAsInt());
        assertEquals(2, bindings.get(0).getAsJsonObject().get("id").getAsLong());
        assertEquals(2 + 14L * 7_142, bindings.get(7_142).getAsJsonObject().get("id").getAsLong());
        assertTrue(page.get("next_cursor").isJsonNull(), "the whole table scanned, no next page");
        assertEquals(100_000, table.made.get(), "every view read once, none twice");
    }

    /**
     * Bindings come in pairs (ids 2k, 2k+1) that are created and removed together; another thread swaps
     * the snapshot as fast as it can while clients list. Every listing must show whole pairs, in order.
     */
    @Test
    void everyListingIsOneConsistentSnapshotWhileTheTableChurns() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        Thread churn = new Thread(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            BitSet pairs = new BitSet(2_000);
            while (!stop.get()) {
                for (int i = 0; i < 50; i++) {
                    pairs.flip(random.nextInt(1, 2_000)); // create or remove one pair
                }
                long[] ids = new long[pairs.cardinality() * 2];
                int n = 0;
                for (int k = pairs.nextSetBit(0); k >= 0; k = pairs.nextSetBit(k + 1)) {
                    ids[n++] = 2L * k;
                    ids[n++] = 2L * k + 1;
                }
                service.bindings = new LazyTable(ids);
                swaps.incrementAndGet();
            }
        }, "churn");
        churn.start();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 160; i++) {
                results.add(clients.submit(() -> {
                    JsonObject page = client.get("/api/v1/bindings?limit=10000").json();
                    assertConsistent(page);
                    return page.get("count").getAsInt();
                }));
            }
            for (Future<Integer> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            churn.join();
            clients.shutdownNow();
        }
        assertTrue(swaps.get() > 160, "the table changed under the listings: " + swaps.get() + " snapshots");
    }

    private static void assertConsistent(JsonObject page) {
        JsonArray bindings = page.getAsJsonArray("bindings");
        assertEquals(bindings.size(), page.get("count").getAsInt());
        assertEquals(0, bindings.size() % 2, "whole pairs");
        long previous = -1;
        for (int i = 0; i < bindings.size(); i += 2) {
            long even = bindings.get(i).getAsJsonObject().get("id").getAsLong();
            long odd = bindings.get(i + 1).getAsJsonObject().get("id").getAsLong();
            assertEquals(0, even % 2, "pair starts at an even id");
            assertEquals(even + 1, odd, "pair complete");
            assertTrue(even > previous, "ordered by id");
            previous = odd;
        }
    }
}
