package org.aelab.kernel;

import java.util.List;

/**
 * A failed cell as Jupyter shows it: an error name ({@code ename}), a one-line value
 * ({@code evalue}) and the traceback lines.
 */
final class CellError extends Exception {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final List<String> traceback;

    CellError(String name, String value, List<String> traceback) {
        super(value, null, false, false);
        this.name = name;
        this.traceback = List.copyOf(traceback);
    }

    String name() {
        return name;
    }

    String value() {
        return getMessage() == null ? "" : getMessage();
    }

    List<String> traceback() {
        return traceback;
    }
}
