package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RFC 6750 bearer-token check. Both tokens are hashed before {@link MessageDigest#isEqual} so the
 * comparison takes the same time whatever the presented token's length or content.
 */
final class BearerAuth {
    static final String CHALLENGE = "Bearer realm=\"flowmasq\"";

    private final byte[] expectedDigest; // null: no token configured, everyone may call

    BearerAuth(String token) {
        this.expectedDigest = token == null ? null : sha256(token);
    }

    /** Empty when the request may proceed; otherwise why not, as a 401 naming the Authorization header. */
    Optional<ApiException> check(HttpHeaders headers) {
        if (expectedDigest == null) {
            return Optional.empty();
        }
        List<String> values = headers.getAll(HttpHeaderNames.AUTHORIZATION);
        if (values.isEmpty()) {
            return Optional.of(unauthorized("missing bearer token"));
        }
        String value = values.get(0);
        // The scheme name is case-insensitive (RFC 7235 section 2.1).
        if (values.size() > 1 || value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(unauthorized("Authorization must be one 'Bearer <token>' header"));
        }
        byte[] presented = sha256(value.substring(7).trim());
        return MessageDigest.isEqual(expectedDigest, presented)
                ? Optional.empty() : Optional.of(unauthorized("invalid bearer token"));
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(HttpResponseStatus.UNAUTHORIZED, message, "authorization", Map.of(),
                Map.of(HttpHeaderNames.WWW_AUTHENTICATE.toString(), CHALLENGE));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
