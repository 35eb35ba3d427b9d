package io.flowmasq.controller.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmasq.controller.session.TrafficTable.FlowCounter;
import io.flowmasq.controller.session.TrafficTable.Traffic;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrafficTableTest {
    @Test
    void emptyBeforeTheFirstPoll() {
        assertEquals(-1, TrafficTable.EMPTY.asOf());
        assertEquals(-1, TrafficTable.EMPTY.flowCount());
        assertEquals(Optional.empty(), TrafficTable.EMPTY.of(1));
    }

    @Test
    void sumsPerBindingAndDirection() {
        TrafficTable t = TrafficTable.EMPTY.next(List.of(
                new FlowCounter(1, true, 10, 1000),
                new FlowCounter(1, false, 4, 400),
                new FlowCounter(2, true, 1, 60),
                // a second flow of one direction (e.g. reported in two parts) adds up
                new FlowCounter(2, true, 2, 120),
                new FlowCounter(3, false, 5, 500)), 9, 1_000);
        assertEquals(1_000, t.asOf());
        assertEquals(9, t.flowCount(), "every flow of the switch, not only bindings'");
        assertEquals(Optional.of(new Traffic(10, 1000, 4, 400, 1_000)), t.of(1));
        assertEquals(Optional.of(new Traffic(3, 180, 0, 0, 1_000)), t.of(2));
        assertEquals(Optional.of(new Traffic(0, 0, 5, 500, 1_000)), t.of(3),
                "seen for the first time: dated by this poll");
        assertEquals(Optional.empty(), t.of(4));
    }

    @Test
    void lastOutboundAtMovesOnlyWithOutboundPackets() {
        TrafficTable first = TrafficTable.EMPTY.next(List.of(
                new FlowCounter(1, true, 10, 1000), new FlowCounter(1, false, 4, 400),
                new FlowCounter(2, true, 3, 300)), 2, 1_000);
        TrafficTable second = first.next(List.of(
                new FlowCounter(1, true, 10, 1000), new FlowCounter(1, false, 9, 900), // only inbound moved
                new FlowCounter(2, true, 5, 500)), 2, 11_000);
        assertEquals(Optional.of(new Traffic(10, 1000, 9, 900, 1_000)), second.of(1));
        assertEquals(Optional.of(new Traffic(5, 500, 0, 0, 11_000)), second.of(2));
        TrafficTable third = second.next(List.of(new FlowCounter(1, true, 11, 1100)), 1, 21_000);
        assertEquals(Optional.of(new Traffic(11, 1100, 0, 0, 21_000)), third.of(1));
        assertEquals(Optional.empty(), third.of(2), "gone from the switch, gone from the table");
        assertEquals(Optional.of(new Traffic(10, 1000, 9, 900, 1_000)), second.of(1), "tables are immutable");
        assertEquals(2, second.flowCount());
        assertEquals(1, third.flowCount());
    }
}
