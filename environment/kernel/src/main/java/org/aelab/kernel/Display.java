package org.aelab.kernel;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/**
 * Rich output from cells. The kernel imports these statically into every session, so a cell
 * simply calls {@code display(image)}, {@code html("<b>hi</b>")} or {@code updateDisplay(id, x)}
 * (the same names as IJava).
 *
 * <p>Objects are turned into MIME bundles by the kernel's renderer: {@code BufferedImage} becomes
 * {@code image/png}, types registered with {@link #registerHtml} become {@code text/html}, anything
 * else {@code text/plain} (its {@code toString()}).
 */
public final class Display {

    private static volatile AelabKernel kernel;

    private Display() {
    }

    static void attach(AelabKernel newKernel) {
        kernel = newKernel;
    }

    /** Shows {@code value} below the cell now and returns its display id for {@link #updateDisplay}. */
    public static String display(Object value) {
        return show(render(value));
    }

    /** Shows {@code value} rendered only as the given MIME types (e.g. {@code "text/plain"}). */
    public static String display(Object value, String... mimeTypes) {
        return show(render(value, mimeTypes));
    }

    /** Renders {@code value} without showing it; a cell whose last expression is the result shows it. */
    public static DisplayData render(Object value) {
        if (value instanceof DisplayData data) {
            return new DisplayData(data);
        }
        return kernel().getRenderer().render(value);
    }

    /** Renders {@code value} as the given MIME types only. */
    public static DisplayData render(Object value, String... mimeTypes) {
        if (mimeTypes == null || mimeTypes.length == 0) {
            return render(value);
        }
        return kernel().getRenderer().renderAs(value, mimeTypes);
    }

    /** Replaces, in place, the output shown under {@code displayId} with {@code value}. */
    public static void updateDisplay(String displayId, Object value) {
        update(displayId, render(value));
    }

    /** Replaces the output shown under {@code displayId} with {@code value} as the given MIME types. */
    public static void updateDisplay(String displayId, Object value, String... mimeTypes) {
        update(displayId, render(value, mimeTypes));
    }

    /** Clears what this cell has shown so far. */
    public static void clearOutput() {
        clearOutput(false);
    }

    /**
     * Clears what this cell has shown so far; with {@code waitForNext}, only when the next output
     * arrives, so a loop that redraws does not flicker.
     */
    public static void clearOutput(boolean waitForNext) {
        kernel().output().clear(waitForNext);
    }

    /** An HTML output; show it with {@link #display(Object)} or as a cell's last expression. */
    public static DisplayData html(String html) {
        DisplayData data = new DisplayData(plainFallback(html));
        data.putHTML(Objects.requireNonNull(html, "html"));
        return data;
    }

    /** A Markdown output. */
    public static DisplayData markdown(String markdown) {
        DisplayData data = new DisplayData(Objects.requireNonNull(markdown, "markdown"));
        data.putMarkdown(markdown);
        return data;
    }

    /** A LaTeX output, e.g. {@code latex("$E = mc^2$")}. */
    public static DisplayData latex(String latex) {
        DisplayData data = new DisplayData(Objects.requireNonNull(latex, "latex"));
        data.putLatex(latex);
        return data;
    }

    /** Shows a ready-made MIME bundle (MIME type to content; images as base64) and returns its id. */
    public static String showBundle(Map<String, String> mimeBundle) {
        return show(bundle(mimeBundle));
    }

    /** Replaces the output shown under {@code displayId} with a ready-made MIME bundle. */
    public static void updateBundle(String displayId, Map<String, String> mimeBundle) {
        update(displayId, bundle(mimeBundle));
    }

    /**
     * Renders every instance of {@code type} (a cell's last expression, {@code display(obj)}) as
     * {@code text/html} produced by {@code toHtml}, with {@code toString()} as the plain-text
     * fallback. Start-up scripts use it for Tablesaw tables and figures.
     */
    public static <T> void registerHtml(Class<T> type, Function<? super T, String> toHtml) {
        Objects.requireNonNull(toHtml, "toHtml");
        kernel().getRenderer().createRegistration(type)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((value, context) -> {
                    context.renderIfRequested(MIMEType.TEXT_HTML, () -> toHtml.apply(value));
                    context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> String.valueOf(value));
                });
    }

    private static String show(DisplayData data) {
        String id = UUID.randomUUID().toString();
        data.setDisplayId(id);
        kernel().output().display(data, false);
        return id;
    }

    private static void update(String displayId, DisplayData data) {
        data.setDisplayId(Objects.requireNonNull(displayId, "displayId"));
        kernel().output().display(data, true);
    }

    private static DisplayData bundle(Map<String, String> mimeBundle) {
        DisplayData data = new DisplayData();
        mimeBundle.forEach(data::putData);
        return data;
    }

    private static String plainFallback(String html) {
        String text = html == null ? "" : html.replaceAll("<[^>]*>", "").strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static AelabKernel kernel() {
        AelabKernel k = kernel;
        if (k == null) {
            throw new IllegalStateException("No aelab kernel is running: display works only inside a notebook cell.");
        }
        return k;
    }
}
