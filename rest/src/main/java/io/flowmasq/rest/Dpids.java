package io.flowmasq.rest;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Datapath ids as operators type them: {@code 00:00:00:00:00:00:00:01} (OpenFlow/ONOS), {@code 0x1} (hex)
 * or {@code 1} (decimal, as Ryu and Faucet print them). All name the same 64-bit value.
 */
final class Dpids {
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
}
