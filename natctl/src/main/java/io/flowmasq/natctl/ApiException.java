package io.flowmasq.natctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/** A request that did not succeed, with the exit code natctl ends with (see {@code natctl --help}). */
final class ApiException extends RuntimeException {
    static final int EXIT_API_ERROR = 1;
    static final int EXIT_NOT_FOUND = 3;
    static final int EXIT_UNREACHABLE = 4;
    static final int EXIT_UNAUTHORIZED = 5;
    static final int EXIT_CONFLICT = 6;

    private final int exitCode;

    ApiException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** The API's JSON error ({@code {"error": ..., "field": ...}}) as one line, with the status's exit code. */
    static ApiException fromResponse(int status, JsonElement body, String path) {
        StringBuilder message = new StringBuilder();
        if (body instanceof JsonObject o && o.has("error")) {
            message.append(o.get("error").getAsString());
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                if (!e.getKey().equals("error") && e.getValue().isJsonPrimitive()) {
                    message.append("; ").append(e.getKey()).append('=').append(e.getValue().getAsString());
                }
            }
        } else {
            message.append("HTTP ").append(status).append(" from ").append(path);
        }
        String text = message + " (HTTP " + status + ")";
        switch (status) {
            case 401:
                return new ApiException(EXIT_UNAUTHORIZED, text + "; give the API token with --token or FLOWMASQ_API_TOKEN");
            case 404:
                return new ApiException(EXIT_NOT_FOUND, text);
            case 409:
                return new ApiException(EXIT_CONFLICT, text);
            case 503:
                return new ApiException(EXIT_UNREACHABLE, text);
            default:
                return new ApiException(EXIT_API_ERROR, text);
        }
    }
}
