package org.aelab.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;

/**
 * Everything a cell outputs, in order: stdout/stderr text and display requests. Any thread may
 * write; only the shell thread {@link #drain drains} it into Jupyter messages. Consecutive text on
 * one stream is merged, so 20,000 {@code println}s in a loop become a handful of messages.
 */
final class CellOutput {

    /** One thing to publish. */
    sealed interface Event permits Text, Shown, Cleared {
    }

    /** Text for one stream; grows while nothing else is written in between. */
    static final class Text implements Event {
        private final PublishStream.StreamType stream;
        private final StringBuilder text = new StringBuilder();

        Text(PublishStream.StreamType stream) {
            this.stream = stream;
        }

        PublishStream.StreamType stream() {
            return stream;
        }

        String text() {
            return text.toString();
        }
    }

    /** A display or, when {@code update} is set, an in-place update of an earlier display. */
    record Shown(DisplayData data, boolean update) implements Event {
    }

    /** Clears the cell's output: now, or when {@code waitForNext}, just before the next output arrives. */
    record Cleared(boolean waitForNext) implements Event {
    }

    /**
     * Most characters held between two drains. Cells are drained every few milliseconds, but a
     * thread left printing after its cell ended is drained only when the next cell runs.
     */
    static final int MAX_PENDING_CHARS = 8 << 20;

    private final List<Event> pending = new ArrayList<>();
    private long pendingChars;
    private long droppedChars;
    private final PrintStream out = new PrintStream(new StreamSink(PublishStream.StreamType.OUT), true,
            StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(new StreamSink(PublishStream.StreamType.ERR), true,
            StandardCharsets.UTF_8);

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    synchronized void text(PublishStream.StreamType stream, String text) {
        if (text.isEmpty()) {
            return;
        }
        if (pendingChars + text.length() > MAX_PENDING_CHARS) {
            droppedChars += text.length();
            return;
        }
        pendingChars += text.length();
        int last = pending.size() - 1;
        Text target;
        if (last >= 0 && pending.get(last) instanceof Text t && t.stream() == stream) {
            target = t;
        } else {
            target = new Text(stream);
            pending.add(target);
        }
        target.text.append(text);
    }

    void display(DisplayData data, boolean update) {
        // Text printed before the display must come out before it.
        out.flush();
        err.flush();
        synchronized (this) {
            pending.add(new Shown(data, update));
        }
    }

    void clear(boolean waitForNext) {
        out.flush();
        err.flush();
        synchronized (this) {
            pending.add(new Cleared(waitForNext));
        }
    }

    /** Hands every pending event, in order, to {@code publisher}. */
    void drain(Consumer<Event> publisher) {
        out.flush();
        err.flush();
        List<Event> events;
        synchronized (this) {
            if (pending.isEmpty() && droppedChars == 0) {
                return;
            }
            if (droppedChars > 0) {
                Text note = new Text(PublishStream.StreamType.ERR);
                note.text.append("\n[").append(droppedChars).append(" characters of output were dropped: more than ")
                        .append(MAX_PENDING_CHARS >> 20).append(" MB was printed while nothing could be sent]\n");
                pending.add(note);
                droppedChars = 0;
            }
            events = new ArrayList<>(pending);
            pending.clear();
            pendingChars = 0;
        }
        events.forEach(publisher);
    }

    /**
     * Bytes to text for one stream. {@code PrintStream} auto-flush hands over every line; an
     * incomplete UTF-8 sequence at the end of a write waits for the next one.
     */
    private final class StreamSink extends OutputStream {
        private final PublishStream.StreamType stream;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        StreamSink(PublishStream.StreamType stream) {
            this.stream = stream;
        }

        @Override
        public synchronized void write(int b) {
            buffer.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            buffer.write(b, off, len);
        }

        @Override
        public synchronized void flush() {
            byte[] bytes = buffer.toByteArray();
            int complete = completeUtf8Length(bytes);
            if (complete == 0) {
                return;
            }
            text(stream, new String(bytes, 0, complete, StandardCharsets.UTF_8));
            buffer.reset();
            buffer.write(bytes, complete, bytes.length - complete);
        }

        private int completeUtf8Length(byte[] bytes) {
            int n = bytes.length;
            // Walk back over at most 3 continuation bytes to the lead byte of the last character.
            for (int i = n - 1; i >= Math.max(0, n - 4); i--) {
                int b = bytes[i] & 0xFF;
                if ((b & 0xC0) == 0x80) {
                    continue;
                }
                int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return n - i >= needed ? n : i;
            }
            return n;
        }
    }
}
