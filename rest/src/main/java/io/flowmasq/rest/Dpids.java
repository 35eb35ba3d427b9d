package io.flowmasq.rest;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Datapath ids as operators type them: {@code 00:00:00:00:00:00:00:01} (OpenFlow/ONOS), {@code 0x1} (hex)
 * or {@code 1} (decimal, as Ryu and Faucet print them). All name the same 64-bit value.
 */
final class Dpids {
    static final String FORMS = "00:00:00:00:00:00:00:01, 0x1 or 1";

    private static final Pattern COLON = Pattern.compile("\\p{XDigit}{2}(:\\p{XDigit}{2}){7}");
    private static final Pattern HEX = Pattern.compile("0[xX]\\p{XDigit}{1,16}");
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,20}");

    private Dpids() {
    }

    static OptionalLong parse(String text) {
        try {
            if (COLON.matcher(text).matches()) {
                return OptionalLong.of(Long.parseUnsignedLong(text.replace(":", ""), 16));
            }
            if (HEX.matcher(text).matches()) {
                return OptionalLong.of(Long.parseUnsignedLong(text.substring(2), 16));
            }
            if (DECIMAL.matcher(text).matches()) {
                return OptionalLong.of(Long.parseUnsignedLong(text));
            }
        } catch (NumberFormatException e) { // a decimal above 2^64-1
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** The value, or a 400 naming {@code field}. */
    static long require(String text, String field) {
        OptionalLong dpid = parse(text);
        if (dpid.isEmpty()) {
            throw ApiException.badParameter(field, "'" + field + "' must be a datapath id (" + FORMS + "), got '"
                    + text + "'");
        }
        return dpid.getAsLong();
    }

    /** The colon form the views use: {@code 00:00:00:00:00:00:00:01}. */
    static String format(long dpid) {
        String hex = String.format("%016x", dpid);
        StringBuilder out = new StringBuilder(23);
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(hex, i, i + 2);
        }
        return out.toString();
    }
}
