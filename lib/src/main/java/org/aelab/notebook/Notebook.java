package org.aelab.notebook;

import java.util.Map;
import java.util.Objects;

/**
 * The current {@link DisplaySink}. A kernel calls {@link #install} once at start-up; library code
 * calls {@link #sink()} to show or update output. The default sink prints {@code text/plain}.
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

    private Notebook() {
    }

    /** Routes all library output to {@code newSink}; pass {@code null} to go back to the terminal. */
    public static void install(DisplaySink newSink) {
        sink = newSink == null ? TERMINAL : newSink;
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
