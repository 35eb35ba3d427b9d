package io.flowmasq.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What every JSON request body must be: declared as JSON, UTF-8, one strict JSON document. */
final class JsonBodies {
    private JsonBodies() {
    }

    /** 415 unless the Content-Type is application/json (UTF-8 or no charset). */
    static void requireJson(ApiRequest request) {
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        CharSequence mime = type == null ? null : HttpUtil.getMimeType(type);
        CharSequence charset = type == null ? null : HttpUtil.getCharsetAsSequence(type);
        boolean json = mime != null && "application/json".contentEquals(mime.toString().trim().toLowerCase(Locale.ROOT));
        boolean utf8 = charset == null || "utf-8".equalsIgnoreCase(charset.toString().replace("\"", "").trim());
        if (!json || !utf8) {
            throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be application/json (UTF-8), got " + (type == null ? "none" : "'" + type + "'"),
                    "content-type");
        }
    }

    /** The body as one JSON object, or a 400 naming {@code body}. */
    static JsonObject object(byte[] body) {
        String text = utf8(body);
        if (text.isBlank()) {
            throw body("request body must be a JSON object; it is empty");
        }
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        JsonElement document;
        try {
            document = JsonParser.parseReader(reader); // keeps STRICT: only LEGACY_STRICT is relaxed
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw body("request body must hold one JSON object and nothing after it");
            }
        } catch (IOException | JsonParseException | IllegalStateException | NumberFormatException e) {
            // Gson's own message suggests lenient parsing to the reader of a log: not useful to a client.
            throw body("request body is not valid JSON");
        }
        if (!document.isJsonObject()) {
            throw body("request body must be a JSON object");
        }
        return document.getAsJsonObject();
    }

    static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw body("request body is not UTF-8");
        }
    }

    private static ApiException body(String message) {
        return ApiException.badParameter("body", message);
    }
}
