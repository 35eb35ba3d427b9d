package io.flowmasq.controller.alg.ftp;

/**
 * TCP sequence-number arithmetic modulo 2^32 (RFC 793, RFC 1982 comparison). Values are carried in
 * a {@code long} holding 0..2^32-1; every result is normalised to that range. {@code after(a, b)}
 * means "a is later than b within half the sequence space", {@code (int) (a - b) > 0}.
 */
public final class Seq32 {
    public static final long MASK = 0xffff_ffffL;

    private Seq32() {
    }

    /** {@code v} reduced to 0..2^32-1. */
    public static long norm(long v) {
        return v & MASK;
    }

    /** {@code a + n} modulo 2^32 ({@code n} may be negative). */
    public static long add(long a, long n) {
        return (a + n) & MASK;
    }

    /** The signed distance {@code a - b}, in -2^31..2^31-1. */
    public static int diff(long a, long b) {
        return (int) (a - b);
    }

    public static boolean after(long a, long b) {
        return diff(a, b) > 0;
    }

    public static boolean before(long a, long b) {
        return diff(a, b) < 0;
    }
}
