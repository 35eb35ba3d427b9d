package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenFlowCountersTest {
    @Test
    void countsByNameAndSnapshotsSorted() {
        OpenFlowCounters counters = new OpenFlowCounters();
        counters.increment("of.messages.in");
        counters.increment("handler.exceptions");
        counters.increment("of.messages.in");
        Map<String, Long> snapshot = counters.snapshot();
        assertEquals(Map.of("of.messages.in", 2L, "handler.exceptions", 1L), snapshot);
        assertEquals(List.of("handler.exceptions", "of.messages.in"), List.copyOf(snapshot.keySet()));
        assertEquals(0, counters.get("of.parse_errors"));
        assertThrows(UnsupportedOperationException.class, () -> snapshot.put("x", 1L));
        counters.increment("of.messages.in");
        assertEquals(2L, snapshot.get("of.messages.in"), "a snapshot does not move");
    }
}
