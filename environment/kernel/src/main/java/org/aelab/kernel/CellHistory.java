package org.aelab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The cells this kernel has run, for Jupyter's {@code history_request} (a console's up-arrow,
 * {@code %history}-style tools). One session, kept in memory: a restarted kernel starts empty.
 * Entries are {@code [session, execution count, input]}, or {@code [session, count, [input, output]]}
 * when the output is asked for (the text/plain of the cell's result, empty when it had none).
 */
final class CellHistory {

    /** The number this kernel's entries carry; requests may also name the current session as 0. */
    static final int SESSION = 1;

    private record Entry(int count, String input, String output) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int count, String input, String output) {
        entries.add(new Entry(count, input, output == null ? "" : output));
    }

    /** The last {@code n} cells. */
    synchronized List<List<Object>> tail(int n, boolean withOutput) {
        int from = Math.max(0, entries.size() - Math.max(0, n));
        return rows(entries.subList(from, entries.size()), withOutput);
    }

    /** Cells {@code start <= count < stop} of {@code session} (0: this one); {@code stop <= 0}: to the end. */
    synchronized List<List<Object>> range(int session, int start, int stop, boolean withOutput) {
        if (session != 0 && session != SESSION) {
            return List.of();
        }
        List<Entry> found = new ArrayList<>();
        for (Entry e : entries) {
            if (e.count() >= start && (stop <= 0 || e.count() < stop)) {
                found.add(e);
            }
        }
        return rows(found, withOutput);
    }

    /**
     * Cells whose whole input matches a glob ({@code *}, {@code ?}, {@code [...]}, as in IPython's
     * sqlite GLOB), the last {@code n} of them ({@code n <= 0}: all); {@code unique} keeps the latest
     * of equal inputs.
     */
    synchronized List<List<Object>> search(String glob, int n, boolean unique, boolean withOutput) {
        Pattern pattern = globPattern(glob == null || glob.isEmpty() ? "*" : glob);
        List<Entry> found = new ArrayList<>();
        for (Entry e : entries) {
            if (pattern.matcher(e.input()).matches()) {
                found.add(e);
            }
        }
        if (unique) {
            Map<String, Entry> latest = new LinkedHashMap<>();
            for (Entry e : found) {
                latest.remove(e.input());
                latest.put(e.input(), e);
            }
            found = new ArrayList<>(latest.values());
        }
        if (n > 0 && found.size() > n) {
            found = found.subList(found.size() - n, found.size());
        }
        return rows(found, withOutput);
    }

    static Pattern globPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if (c == '[') {
                int close = glob.indexOf(']', i + 2);
                if (close < 0) {
                    regex.append("\\[");
                    continue;
                }
                String set = glob.substring(i + 1, close);
                boolean negated = set.startsWith("^");
                String members = (negated ? set.substring(1) : set).replace("\\", "\\\\").replace("[", "\\[")
                        .replace("&", "\\&");
                regex.append('[').append(negated ? "^" : "").append(members).append(']');
                i = close;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static List<List<Object>> rows(List<Entry> selected, boolean withOutput) {
        List<List<Object>> rows = new ArrayList<>();
        for (Entry e : selected) {
            rows.add(List.of(SESSION, e.count(), withOutput ? List.of(e.input(), e.output()) : e.input()));
        }
        return rows;
    }
}
