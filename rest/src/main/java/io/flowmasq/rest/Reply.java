package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What an endpoint answers, before it is framed as HTTP: a JSON document ({@link ApiResponse}), a JSON
 * document written as it is produced ({@link StreamedJson}) or text in another format ({@link TextResponse}).
 */
sealed interface Reply permits ApiResponse, StreamedJson, TextResponse {
    HttpResponseStatus status();
}
