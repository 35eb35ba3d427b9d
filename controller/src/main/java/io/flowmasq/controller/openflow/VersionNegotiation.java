package io.flowmasq.controller.openflow;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElem;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFHelloFailedCode;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.types.U32;

/**
 * OpenFlow version negotiation (OF1.3.5 §6.3.1): we offer OF1.0 and OF1.3 in a version bitmap;
 * with the peer's bitmap we take the highest version both list, without it
 * min(peer version, ours) if we support that version.
 */
final class VersionNegotiation {
    /** Highest first. */
    private static final List<OFVersion> SUPPORTED = List.of(OFVersion.OF_13, OFVersion.OF_10);
    private static final OFVersion HIGHEST = SUPPORTED.get(0);

    private VersionNegotiation() {}

    /** Our HELLO: OF1.3 header, version bitmap with bits 1 (OF1.0) and 4 (OF1.3). */
    static OFHello ourHello() {
        OFFactory factory = OFFactories.getFactory(HIGHEST);
        long bitmap = 0;
        for (OFVersion version : SUPPORTED) {
            bitmap |= 1L << version.getWireVersion();
        }
        return factory.buildHello()
                .setElements(List.of(factory.helloElemVersionbitmap(List.of(U32.of(bitmap)))))
                .build();
    }

    /** The version to speak with the sender of {@code peerHello}, or empty if there is none. */
    static Optional<OFVersion> negotiate(OFHello peerHello) {
        Optional<List<U32>> peerBitmap = bitmapOf(peerHello);
        if (peerBitmap.isPresent()) {
            return SUPPORTED.stream().filter(v -> isSet(peerBitmap.get(), v.getWireVersion())).findFirst();
        }
        int peer = peerHello.getVersion().getWireVersion();
        int candidate = Math.min(peer, HIGHEST.getWireVersion());
        return SUPPORTED.stream().filter(v -> v.getWireVersion() == candidate).findFirst();
    }

    /**
     * HELLO_FAILED/INCOMPATIBLE for a peer we share no version with, in OF1.0: the lowest version,
     * whose header and error layout every OpenFlow speaker can read.
     */
    static OFErrorMsg incompatible(OFHello peerHello) {
        byte[] text = "supported versions: OF1.0, OF1.3".getBytes(StandardCharsets.US_ASCII);
        return OFFactories.getFactory(OFVersion.OF_10).errorMsgs().buildHelloFailedErrorMsg()
                .setXid(peerHello.getXid())
                .setCode(OFHelloFailedCode.INCOMPATIBLE)
                .setData(OFErrorCauseData.of(text, OFVersion.OF_10))
                .build();
    }

    private static Optional<List<U32>> bitmapOf(OFHello hello) {
        if (hello.getVersion().compareTo(OFVersion.OF_13) < 0) {
            return Optional.empty(); // HELLO elements exist from OF1.3 on
        }
        for (OFHelloElem element : hello.getElements()) {
            if (element instanceof OFHelloElemVersionbitmap bitmap) {
                return Optional.of(bitmap.getBitmaps());
            }
        }
        return Optional.empty();
    }

    private static boolean isSet(List<U32> bitmap, int wireVersion) {
        int word = wireVersion / 32;
        return word < bitmap.size() && (bitmap.get(word).getValue() & (1L << (wireVersion % 32))) != 0;
    }
}
