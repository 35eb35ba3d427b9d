package io.flowmasq.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * {@code limit} and {@code cursor} of {@code GET /bindings}. A cursor is opaque to clients: base64url of
 * {@code v1:<last id returned>}. Listings are ordered by id, so the next page starts after that id in
 * whatever snapshot serves it, even if that binding has gone meanwhile.
 *
 * @param after the id the page starts after; null for the first page
 */
record Paging(int limit, Long after) {
    static final Set<String> PARAMS = Set.of("limit", "cursor");
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;
    private static final String VERSION = "v1:";

    static Paging parse(ApiRequest request) {
        int limit = request.param("limit").map(Paging::limit).orElse(DEFAULT_LIMIT);
        Long after = request.param("cursor").map(Paging::decode).orElse(null);
        return new Paging(limit, after);
    }

    static String cursor(long lastId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((VERSION + lastId).getBytes(StandardCharsets.US_ASCII));
    }

    /** Where the page starts in {@code snapshot}, which must be ordered by id. */
    int start(List<BindingView> snapshot) {
        return after == null ? 0 : firstAbove(snapshot, after);
    }

    /** Binary search: the index of the first binding whose id is above {@code id}, or the size. */
    static int firstAbove(List<BindingView> snapshot, long id) {
        int low = 0;
        int high = snapshot.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (snapshot.get(mid).id() <= id) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static int limit(String text) {
        if (text.matches("[0-9]{1,5}")) {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        }
        throw ApiException.badParameter("limit", "query parameter 'limit' must be an integer 1-" + MAX_LIMIT
                + ", got '" + text + "'");
    }

    private static long decode(String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            text = "";
        }
        if (text.startsWith(VERSION) && text.substring(VERSION.length()).matches("[0-9]{1,19}")) {
            try {
                return Long.parseLong(text.substring(VERSION.length()));
            } catch (NumberFormatException e) { // above Long.MAX_VALUE: fall through
            }
        }
        throw ApiException.badParameter("cursor", "query parameter 'cursor' is not a cursor this server issued;"
                + " use the next_cursor of a previous page");
    }
}
