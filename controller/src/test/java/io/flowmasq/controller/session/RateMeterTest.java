package io.flowmasq.controller.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RateMeterTest {
    private long counter;
    private long now = 50_000;

    @Test
    void theRateIsOverTheWindowOfSamples() {
        RateMeter m = new RateMeter(() -> counter, () -> now, 3);
        assertEquals(0.0, m.perSecond());
        m.sample();
        assertEquals(0.0, m.perSecond(), "one sample is no rate");
        now += 1_000;
        counter = 10;
        m.sample();
        assertEquals(10.0, m.perSecond());
        now += 1_000;
        counter = 30;
        m.sample();
        assertEquals(15.0, m.perSecond(), "30 over 2 s");
        now += 1_000;
        counter = 60;
        m.sample();
        assertEquals(25.0, m.perSecond(), "the oldest sample fell out: (60 - 10) over 2 s");
        now += 500;
        counter = 60;
        m.sample();
        assertEquals(20.0, m.perSecond(), "(60 - 30) over 1.5 s");
        now += 1_000;
        m.sample();
        now += 1_000;
        m.sample();
        assertEquals(0.0, m.perSecond(), "nothing counted over the window");
    }

    @Test
    void aClockThatDidNotMoveGivesZeroNotInfinity() {
        RateMeter m = new RateMeter(() -> counter, () -> now, 2);
        m.sample();
        counter = 5;
        m.sample();
        assertEquals(0.0, m.perSecond());
    }

    @Test
    void aWindowNeedsTwoSamples() {
        assertThrows(IllegalArgumentException.class, () -> new RateMeter(() -> 0, () -> 0, 1));
    }
}
