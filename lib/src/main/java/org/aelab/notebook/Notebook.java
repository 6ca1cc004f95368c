package org.aelab.notebook;

import java.util.Map;
import java.util.Objects;

/**
 * What the kernel provides to library code: the current {@link DisplaySink} and the
 * {@link StopHook}. A kernel calls {@link #install} and {@link #installStopHook} once at start-up;
 * library code calls {@link #sink()} to show or update output and {@link #stopHook()} to poll for
 * stops. The defaults print {@code text/plain} and know only thread interrupts.
 */
public final class Notebook {

    private static final DisplaySink TERMINAL = new DisplaySink() {
        private int nextId;

        @Override
        public synchronized String show(Map<String, String> mimeBundle) {
            printPlain(mimeBundle);
            return "terminal-" + nextId++;
        }

        @Override
        public void update(String displayId, Map<String, String> mimeBundle) {
            printPlain(mimeBundle);
        }

        @Override
        public boolean isNotebook() {
            return false;
        }

        private void printPlain(Map<String, String> mimeBundle) {
            String text = mimeBundle.get("text/plain");
            if (text != null) {
                System.out.println(text);
            }
        }
    };

    private static volatile DisplaySink sink = TERMINAL;
    private static volatile StopHook stopHook = StopHook.NONE;

    private Notebook() {
    }

    /** Routes all library output to {@code newSink}; pass {@code null} to go back to the terminal. */
    public static void install(DisplaySink newSink) {
        sink = newSink == null ? TERMINAL : newSink;
    }

    /** Lets library code poll the kernel for stops through {@code hook}; {@code null} goes back to {@link StopHook#NONE}. */
    public static void installStopHook(StopHook hook) {
        stopHook = hook == null ? StopHook.NONE : hook;
    }

    /** The stop hook installed now. */
    public static StopHook stopHook() {
        return stopHook;
    }

    /** The sink output goes to now. */
    public static DisplaySink sink() {
        return sink;
    }

    /** True when a notebook front end is attached. */
    public static boolean isNotebook() {
        return sink.isNotebook();
    }

    /** Shows {@code html}, with {@code plainText} for front ends that cannot render HTML. */
    public static String showHtml(String html, String plainText) {
        return sink.show(Map.of("text/html", Objects.requireNonNull(html), "text/plain", plainText));
    }
}
