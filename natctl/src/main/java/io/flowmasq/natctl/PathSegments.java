package io.flowmasq.natctl;

import java.nio.charset.StandardCharsets;

/** Text typed by the user as one URL path segment: unreserved characters and ':' as they are, the rest %XX. */
final class PathSegments {
    private PathSegments() {
    }

    static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~:".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
