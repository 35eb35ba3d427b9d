package io.flowmasq.rest;

import com.google.gson.stream.JsonWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One page of {@code GET /bindings}, written a few hundred bindings per chunk as the connection drains
 * ({@link io.netty.handler.stream.ChunkedWriteHandler} asks for the next chunk only when the socket is
 * writable). Reads the snapshot by index, so a lazily converted list is converted one view at a time and
 * no copy of the page is ever held. One JSON writer spans the chunks; its text is moved out after each.
 */
final class BindingsStream implements ChunkedInput<ByteBuf> {
    static final int MAX_BINDINGS_PER_CHUNK = 256;
    static final int MAX_CHARS_PER_CHUNK = 32 * 1024;

    private final JsonCodec codec;
    private final List<BindingView> snapshot;
    private final Predicate<BindingView> filter;
    private final int limit;
    private final Instant snapshotTime;
    private final StringWriter text = new StringWriter();
    private final JsonWriter json;
    private int next;
    private int count;
    private long lastId;
    private boolean started;
    private boolean ended;

    BindingsStream(JsonCodec codec, List<BindingView> snapshot, int start, Predicate<BindingView> filter, int limit,
                   Instant snapshotTime) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.filter = Objects.requireNonNull(filter, "filter");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
        this.snapshotTime = Objects.requireNonNull(snapshotTime, "snapshotTime");
        this.next = start;
        try {
            this.json = codec.newWriter(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator alloc) throws IOException {
        if (ended) {
            return null;
        }
        if (!started) {
            codec.beginBindingsPage(json);
            started = true;
        }
        int inChunk = 0;
        while (count < limit && next < snapshot.size() && inChunk < MAX_BINDINGS_PER_CHUNK
                && text.getBuffer().length() < MAX_CHARS_PER_CHUNK) {
            BindingView binding = snapshot.get(next++);
            if (filter.test(binding)) {
                codec.writeBinding(json, binding);
                lastId = binding.id();
                count++;
                inChunk++;
            }
        }
        if (count == limit || next >= snapshot.size()) {
            codec.endBindingsPage(json, count, moreMatch() ? Paging.cursor(lastId) : null, snapshotTime);
            ended = true;
        }
        json.flush();
        // Every chunk holds something: the opening, at least one binding, or the closing members.
        ByteBuf chunk = ByteBufUtil.writeUtf8(alloc, text.getBuffer());
        text.getBuffer().setLength(0);
        return chunk;
    }

    /** Whether a binding after the page's last matches too: only then is there a next page. */
    private boolean moreMatch() {
        if (count < limit) {
            return false;
        }
        for (int i = next; i < snapshot.size(); i++) {
            if (filter.test(snapshot.get(i))) {
                return true;
            }
        }
        return false;
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    @Override
    public boolean isEndOfInput() {
        return ended;
    }

    @Override
    public void close() {
        // Holds no buffers between chunks: nothing to release.
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return count;
    }
}
