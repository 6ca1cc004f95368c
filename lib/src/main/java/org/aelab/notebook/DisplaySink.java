package org.aelab.notebook;

import java.util.Map;

/**
 * Where rich output goes. A MIME bundle maps MIME types ({@code text/plain}, {@code text/html},
 * {@code image/png} as base64, ...) to their content, as in Jupyter's {@code display_data}.
 */
public interface DisplaySink {

    /** Shows a bundle as a new output and returns an id that {@link #update} can target. */
    String show(Map<String, String> mimeBundle);

    /** Replaces the output shown under {@code displayId} in place. */
    void update(String displayId, Map<String, String> mimeBundle);

    /** True when output lands in a notebook (updates in place), false for a plain terminal. */
    boolean isNotebook();
}
