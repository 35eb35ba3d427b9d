package io.flowmasq.flowcompiler;

import org.projectfloodlight.openflow.types.U64;

/**
 * The cookie layout of every flow flowmasq installs.
 *
 * <pre>
 *  63      56 55     48 47                                   0
 * +----------+---------+--------------------------------------+
 * |   0xF1   |  kind   |            binding id                |
 * +----------+---------+--------------------------------------+
 * </pre>
 * 0xF1 marks the flow as ours (a restarted controller can tell its flows from others');
 * kind 0x00 is the proactive pipeline, 0x01 a NAPT binding, 0x02 a hairpin between two bindings, 0x03 the
 * penalty box of one inside host (its IPv4 address in the low 32 bits). All flows of one binding share its
 * cookie, so one cookie-masked delete removes them (OF1.3), and the binding table can be rebuilt
 * from a flow-stats dump.
 *
 * <p>Under dependent filtering each session of a mapping (one remote address, or address and port) is
 * a binding of its own: kind 0x01 with its own 48-bit id, its two flows matching the remote
 * ({@link BindingSpec#remote()}). The mapping is the set of sessions that share one public endpoint; it
 * has no cookie, since no flow belongs to the mapping as a whole. So a session's cookie-masked delete
 * (or expiry) touches only that session's flows, and the ids never run out in practice (2^48).
 */
public final class Cookies {
    public static final long MAX_BINDING_ID = (1L << 48) - 1;
    private static final long APP_TAG = 0xF1L << 56;
    private static final long KIND_PIPELINE = 0x00L << 48;
    private static final long KIND_BINDING = 0x01L << 48;
    private static final long KIND_HAIRPIN = 0x02L << 48;
    private static final long KIND_PENALTY = 0x03L << 48;
    private static final long KIND_MASK = 0xFFL << 48;
    private static final long TAG_MASK = 0xFFL << 56;

    public static final U64 PIPELINE = U64.of(APP_TAG | KIND_PIPELINE);
    /** Mask selecting one exact cookie. */
    public static final U64 EXACT = U64.NO_MASK;

    private Cookies() {
    }

    public static U64 binding(long bindingId) {
        if (bindingId < 1 || bindingId > MAX_BINDING_ID) {
            throw new IllegalArgumentException("binding id out of range: " + bindingId);
        }
        return U64.of(APP_TAG | KIND_BINDING | bindingId);
    }

    public static U64 hairpin(long hairpinId) {
        if (hairpinId < 1 || hairpinId > MAX_BINDING_ID) {
            throw new IllegalArgumentException("hairpin id out of range: " + hairpinId);
        }
        return U64.of(APP_TAG | KIND_HAIRPIN | hairpinId);
    }

    /** The penalty-box flow of one inside host: one per host, so it can be found (and deleted) by cookie. */
    public static U64 penalty(org.projectfloodlight.openflow.types.IPv4Address host) {
        return U64.of(APP_TAG | KIND_PENALTY | (host.getInt() & 0xFFFF_FFFFL));
    }

    public static boolean isPenalty(U64 cookie) {
        long v = cookie.getValue();
        return (v & TAG_MASK) == APP_TAG && (v & KIND_MASK) == KIND_PENALTY;
    }

    public static boolean isBinding(U64 cookie) {
        long v = cookie.getValue();
        return (v & TAG_MASK) == APP_TAG && (v & KIND_MASK) == KIND_BINDING;
    }

    /** Whether the cookie carries flowmasq's tag, whatever its kind. */
    public static boolean isOurs(U64 cookie) {
        return (cookie.getValue() & TAG_MASK) == APP_TAG;
    }

    public static boolean isPipeline(U64 cookie) {
        return isOurs(cookie) && (cookie.getValue() & KIND_MASK) == KIND_PIPELINE;
    }

    public static boolean isHairpin(U64 cookie) {
        return isOurs(cookie) && (cookie.getValue() & KIND_MASK) == KIND_HAIRPIN;
    }

    /** The low 48 bits: a binding's or a hairpin's id (0 for the pipeline). */
    public static long idOf(U64 cookie) {
        return cookie.getValue() & MAX_BINDING_ID;
    }

    public static long bindingId(U64 cookie) {
        if (!isBinding(cookie)) {
            throw new IllegalArgumentException("not a binding cookie: " + cookie);
        }
        return cookie.getValue() & MAX_BINDING_ID;
    }
}
