package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFVersion;

class VersionNegotiationTest {
    @Test
    void ourHelloOffersOf10AndOf13() {
        var hello = VersionNegotiation.ourHello();
        assertEquals(OFVersion.OF_13, hello.getVersion());
        var bitmap = (OFHelloElemVersionbitmap) hello.getElements().get(0);
        assertEquals(0x12, bitmap.getBitmaps().get(0).getValue());
    }

    @ParameterizedTest(name = "{0} hello with bitmap {1} -> {2}")
    @CsvSource({
        "OF_13, 0x12, OF_13",
        "OF_13, 0x02, OF_10",
        "OF_13, 0x10, OF_13",
        "OF_15, 0x7e, OF_13",
        "OF_15, 0x62, OF_10", // 1.0, 1.4, 1.5
        "OF_13, 0x04, NONE",
        "OF_14, 0x60, NONE",
        "OF_13, 0x00, NONE",
    })
    void withBitmapTakesHighestCommonVersion(OFVersion header, String bitmap, String expected) {
        var hello = TestSwitch.helloWithBitmap(header, Long.decode(bitmap));
        assertEquals(expectation(expected), VersionNegotiation.negotiate(hello));
    }

    @ParameterizedTest(name = "plain {0} hello -> {1}")
    @CsvSource({"OF_10, OF_10", "OF_11, NONE", "OF_12, NONE", "OF_13, OF_13", "OF_14, OF_13", "OF_15, OF_13"})
    void withoutBitmapTakesMinOfPeerAndOurs(OFVersion peer, String expected) {
        var hello = TestSwitch.of(peer).buildHello().build();
        assertEquals(expectation(expected), VersionNegotiation.negotiate(hello));
    }

    private static Optional<OFVersion> expectation(String name) {
        return name.equals("NONE") ? Optional.empty() : Optional.of(OFVersion.valueOf(name));
    }
}
