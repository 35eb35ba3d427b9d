package io.flowmasq.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An HTTP/1.x response parsed from raw text. A body is framed by Content-Length or chunked encoding
 * ({@code chunks} counts its chunks); with neither, it runs to the end of the stream (HTTP/1.0, closed).
 */
record RawResponse(int status, Map<String, String> headers, String body, int chunks) {
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
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            int bodyStart = headEnd + 4;
            // Bodies here are ASCII, so characters count bytes.
            if ("chunked".equals(headers.get("transfer-encoding"))) {
                StringBuilder body = new StringBuilder();
                int chunks = 0;
                int pos = bodyStart;
                while (true) {
                    int lineEnd = stream.indexOf("\r\n", pos);
                    assertTrue(lineEnd > 0, "unterminated chunk size");
                    int size = Integer.parseInt(stream.substring(pos, lineEnd), 16);
                    pos = lineEnd + 2;
                    if (size == 0) {
                        assertEquals("\r\n", stream.substring(pos, pos + 2), "no trailers expected");
                        pos += 2;
                        break;
                    }
                    body.append(stream, pos, pos + size);
                    chunks++;
                    assertEquals("\r\n", stream.substring(pos + size, pos + size + 2));
                    pos += size + 2;
                }
                responses.add(new RawResponse(status, headers, body.toString(), chunks));
                at = pos;
            } else if (headers.containsKey("content-length")) {
                int bodyEnd = bodyStart + Integer.parseInt(headers.get("content-length"));
                assertTrue(bodyEnd <= stream.length(), "body shorter than Content-Length");
                responses.add(new RawResponse(status, headers, stream.substring(bodyStart, bodyEnd), 0));
                at = bodyEnd;
            } else {
                responses.add(new RawResponse(status, headers, stream.substring(bodyStart), 0));
                at = stream.length();
            }
        }
        return responses;
    }
}
