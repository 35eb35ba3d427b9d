package io.flowmasq.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An HTTP/1.x response parsed from raw text; every response must be framed by Content-Length. */
record RawResponse(int status, Map<String, String> headers, String body) {
    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Splits a byte stream holding consecutive responses; fails if one is not exactly framed. */
    static List<RawResponse> parseAll(String stream) {
        List<RawResponse> responses = new ArrayList<>();
        int at = 0;
        while (at < stream.length()) {
            int headEnd = stream.indexOf("\r\n\r\n", at);
            assertTrue(headEnd > 0, "unterminated head: " + stream.substring(at));
            String[] lines = stream.substring(at, headEnd).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            String length = headers.get("content-length");
            assertNotNull(length, "response without Content-Length: " + lines[0]);
            int bodyStart = headEnd + 4;
            // Bodies here are ASCII JSON, so characters count bytes.
            int bodyEnd = bodyStart + Integer.parseInt(length);
            assertTrue(bodyEnd <= stream.length(), "body shorter than Content-Length");
            responses.add(new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers,
                    stream.substring(bodyStart, bodyEnd)));
            at = bodyEnd;
        }
        return responses;
    }
}
