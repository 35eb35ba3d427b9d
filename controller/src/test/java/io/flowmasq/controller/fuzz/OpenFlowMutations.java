package io.flowmasq.controller.fuzz;

import io.flowmasq.flowcompiler.Cookies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * The byte strings a fuzzed switch sends: packet-ins carrying {@link FuzzFrames} frames (mostly broken
 * by {@link FrameMutator}), and every message a switch sends (FLOW_REMOVED, ERROR, flow and port
 * statistics replies, PORT_STATUS, ECHO, BARRIER_REPLY, FEATURES_REPLY again, EXPERIMENTER, unknown
 * types), mostly broken at the OpenFlow level: bytes flipped, bodies cut or extended (with a header
 * length that matches what is sent), wrong type, wrong version, inner length fields. Message
 * {@code i} depends only on the seed and {@code i}.
 *
 * <p>About 1 in 5,000 messages breaks the framing on purpose ({@link Framing}): a header length below 8
 * (the controller must close the connection) or one longer than what is sent. The sender knows which:
 * it reconnects after them instead of losing the messages that follow into a broken stream.
 */
public final class OpenFlowMutations {
    /** Per 10,000 messages: with a header length below 8, and announcing more bytes than sent. */
    static final int FRAMING_LOSS_PER_10K = 1;

    /** What a message does to the stream's framing. */
    public enum Framing {
        /** The header length matches the bytes sent: the next message starts where it says. */
        INTACT,
        /** A header length below 8: the controller must close the connection. */
        CLOSES,
        /** A header length beyond the bytes sent: the controller reads on into what follows. */
        OVERRUNS
    }

    /** One fuzzed message and what it does to the framing. */
    public record Fuzzed(byte[] bytes, Framing framing) {
    }

    private final OFFactory factory;
    private final FuzzFrames frames;
    private final FuzzNetwork net;
    private final long seed;

    public OpenFlowMutations(OFVersion version, FuzzNetwork net, long seed) {
        this.factory = OFFactories.getFactory(version);
        this.frames = new FuzzFrames(net);
        this.net = net;
        this.seed = seed;
    }

    public static Random random(long seed, long i) {
        return new Random(seed * 0x9E3779B97F4A7C15L + i);
    }

    /** Message {@code i} (one message, or one broken one). */
    public Fuzzed message(long i) {
        Random r = random(seed, i);
        int framing = r.nextInt(10_000);
        if (framing < 2 * FRAMING_LOSS_PER_10K) {
            byte[] m = bytes(factory.buildEchoRequest().setXid(i).setData(new byte[8]).build());
            if (framing < FRAMING_LOSS_PER_10K) {
                setLength(m, r.nextInt(8));
                return new Fuzzed(m, Framing.CLOSES);
            }
            setLength(m, m.length + 1 + r.nextInt(64));
            return new Fuzzed(m, Framing.OVERRUNS);
        }
        if (r.nextInt(100) < 60) {
            byte[] m = bytes(packetIn(r));
            return new Fuzzed(r.nextInt(5) == 0 ? mutate(r, m) : m, Framing.INTACT);
        }
        byte[] m = switchMessage(r);
        return new Fuzzed(r.nextInt(10) < 7 ? mutate(r, m) : m, Framing.INTACT);
    }

    /** A well-formed packet-in of a valid frame (no mutation): what a clean switch sends. */
    public OFPacketIn packetIn(byte[] frame, int inPort, U64 cookie) {
        OFPacketIn.Builder b = factory.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setTotalLen(frame.length)
                .setReason(cookie.equals(U64.ZERO) ? OFPacketInReason.NO_MATCH : OFPacketInReason.ACTION)
                .setData(frame);
        if (factory.getVersion() == OFVersion.OF_10) {
            b.setInPort(OFPort.of(inPort));
        } else {
            b.setMatch(factory.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(inPort)).build())
                    .setTableId(TableId.ZERO).setCookie(cookie);
        }
        return b.build();
    }

    private OFPacketIn packetIn(Random r) {
        FuzzFrames.Frame f = frames.next(r);
        byte[] frame = r.nextInt(10) < 3 ? f.bytes() : FrameMutator.mutate(r, f.bytes());
        int port = r.nextInt(50) == 0 ? r.nextInt(10) : f.inPort();
        U64 cookie = r.nextInt(10) == 0 ? Cookies.binding(1 + r.nextInt(2000)) : U64.ZERO;
        return packetIn(frame, port, cookie);
    }

    private byte[] switchMessage(Random r) {
        long xid = r.nextInt();
        int kind = r.nextInt(11);
        if (kind == 9) {
            return raw(r, 1, xid, 4 + r.nextInt(64)); // ERROR: type, code, data
        }
        if (kind == 10) {
            return raw(r, 4, xid, 8 + r.nextInt(32)); // EXPERIMENTER: experimenter id, subtype, data
        }
        return bytes(switch (kind) {
            case 0, 1 -> factory.buildFlowRemoved().setXid(xid)
                    .setCookie(r.nextBoolean() ? Cookies.binding(1 + r.nextInt(2000)) : U64.of(r.nextLong()))
                    .setMatch(factory.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1 + r.nextInt(3))).build())
                    .setReason(OFFlowRemovedReason.values()[r.nextInt(3)]).setIdleTimeout(r.nextInt(300))
                    .setPacketCount(U64.of(r.nextInt(1000))).setByteCount(U64.of(r.nextInt(100000))).build();
            case 2 -> factory.buildFlowStatsReply().setXid(xid).setEntries(List.of(factory.buildFlowStatsEntry()
                    .setCookie(Cookies.binding(1 + r.nextInt(2000))).setMatch(factory.matchWildcardAll())
                    .setPacketCount(U64.of(r.nextInt(1000))).setByteCount(U64.of(r.nextInt(100000))).build())).build();
            case 3 -> factory.getVersion() == OFVersion.OF_10
                    ? factory.buildDescStatsReply().setXid(xid).setMfrDesc("fuzz").build()
                    : factory.buildPortDescStatsReply().setXid(xid).setEntries(ports(r)).build();
            case 4 -> factory.buildPortStatus().setXid(xid).setReason(OFPortReason.values()[r.nextInt(3)])
                    .setDesc(ports(r).get(0)).build();
            case 5 -> factory.buildEchoRequest().setXid(xid).setData(FuzzFrames.randomBytes(r, r.nextInt(16))).build();
            case 6 -> factory.buildEchoReply().setXid(xid).setData(new byte[0]).build();
            case 7 -> factory.buildBarrierReply().setXid(xid).build();
            default -> featuresReply(DatapathId.of(r.nextLong()), xid);
        });
    }

    /** The FEATURES_REPLY of the fuzzed switch (OF1.0 lists the ports in it). */
    public OFMessage featuresReply(DatapathId dpid, long xid) {
        var b = factory.buildFeaturesReply().setXid(xid).setDatapathId(dpid).setNBuffers(0).setNTables((short) 1);
        if (factory.getVersion() == OFVersion.OF_10) {
            b.setPorts(ports(new Random(0)));
        }
        return b.build();
    }

    /** The switch's ports: the inside ports and the outside port, up. */
    public List<OFPortDesc> ports(Random r) {
        int[] numbers = new int[net.insidePorts().size() + 1];
        for (int k = 0; k < net.insidePorts().size(); k++) {
            numbers[k] = net.insidePorts().get(k);
        }
        numbers[numbers.length - 1] = net.outsidePort();
        if (r.nextInt(4) == 0) {
            numbers[0] = r.nextInt(65536); // a port the config does not know
        }
        return Arrays.stream(numbers).mapToObj(n -> factory.buildPortDesc().setPortNo(OFPort.ofInt(n))
                .setHwAddr(MacAddress.of(0x0200_0000_0000L + n)).setName("p" + n).build()).toList();
    }

    /** A message Loxi may or may not read: header, then random bytes. */
    private byte[] raw(Random r, int type, long xid, int bodyLength) {
        byte[] m = new byte[8 + bodyLength];
        r.nextBytes(m);
        m[0] = (byte) factory.getVersion().getWireVersion();
        m[1] = (byte) type;
        m[2] = (byte) (m.length >> 8);
        m[3] = (byte) m.length;
        m[4] = (byte) (xid >> 24);
        m[5] = (byte) (xid >> 16);
        m[6] = (byte) (xid >> 8);
        m[7] = (byte) xid;
        if (type == 1) { // a plausible error type and code most of the time
            m[8] = 0;
            m[9] = (byte) r.nextInt(16);
            m[10] = 0;
            m[11] = (byte) r.nextInt(16);
        }
        return m;
    }

    /** Breaks one serialised message at the OpenFlow level; the header length matches what is sent. */
    byte[] mutate(Random r, byte[] m) {
        byte[] out;
        switch (r.nextInt(8)) {
            case 0 -> { // flip a byte of the body
                out = m.clone();
                if (out.length > 8) {
                    out[8 + r.nextInt(out.length - 8)] ^= (byte) (1 + r.nextInt(255));
                }
            }
            case 1 -> out = withLength(Arrays.copyOf(m, 8 + r.nextInt(Math.max(1, m.length - 7)))); // cut
            case 2 -> { // extend with garbage
                out = Arrays.copyOf(m, Math.min(0xffff, m.length + 1 + r.nextInt(r.nextInt(20) == 0 ? 4000 : 64)));
                for (int k = m.length; k < out.length; k++) {
                    out[k] = (byte) r.nextInt(256);
                }
                out = withLength(out);
            }
            case 3 -> { // another type, known or not
                out = m.clone();
                out[1] = (byte) (r.nextBoolean() ? r.nextInt(36) : r.nextInt(256));
            }
            case 4 -> { // another version, known or not
                out = m.clone();
                out[0] = (byte) (r.nextBoolean() ? 1 + r.nextInt(6) : r.nextInt(256));
            }
            case 5 -> { // the inner length fields sit early in the body: match, entry, property lengths
                out = m.clone();
                for (int k = 0; k < 1 + r.nextInt(3) && out.length > 8; k++) {
                    out[8 + r.nextInt(Math.min(out.length - 8, 48))] = (byte) (r.nextBoolean() ? 0 : 0xff);
                }
            }
            case 6 -> out = withLength(Arrays.copyOf(m, 8)); // header only
            default -> { // random bytes over a random stretch
                out = m.clone();
                int from = 8 + r.nextInt(Math.max(1, out.length - 8));
                for (int k = from; k < Math.min(out.length, from + 1 + r.nextInt(16)); k++) {
                    out[k] = (byte) r.nextInt(256);
                }
            }
        }
        return out;
    }

    private static byte[] withLength(byte[] m) {
        setLength(m, m.length);
        return m;
    }

    private static void setLength(byte[] m, int length) {
        m[2] = (byte) (length >> 8);
        m[3] = (byte) length;
    }

    public static byte[] bytes(OFMessage m) {
        ByteBuf b = Unpooled.buffer(256);
        m.writeTo(b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }
}
