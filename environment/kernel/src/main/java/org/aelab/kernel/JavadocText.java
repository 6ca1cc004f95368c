package org.aelab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A javadoc comment (as JShell hands it over: the comment's text, {@code {@inheritDoc}} resolved)
 * made readable in a tooltip: the main description, or only its first paragraph as a summary, then
 * parameters, return value and exceptions; as plain text and as HTML.
 */
final class JavadocText {

    private static final Pattern BLOCK_TAG = Pattern.compile("^\\s*@(\\w+)\\s?(.*)$");
    private static final Pattern PARAGRAPH = Pattern.compile("(?i)<p\\b[^>]*>|\\n\\s*\\n");
    private static final int LONG_SUMMARY = 600;

    /** One block tag: {@code @param a the value} is name "param", argument "a", text "the value". */
    record Tag(String name, String argument, String text) {
    }

    private final String description;
    private final List<Tag> tags;

    private JavadocText(String description, List<Tag> tags) {
        this.description = description;
        this.tags = tags;
    }

    static JavadocText parse(String javadoc) {
        StringBuilder description = new StringBuilder();
        List<Tag> tags = new ArrayList<>();
        String tagName = null;
        StringBuilder tagText = new StringBuilder();
        for (String line : javadoc.split("\n", -1)) {
            Matcher m = BLOCK_TAG.matcher(line);
            if (m.matches()) {
                if (tagName != null) {
                    tags.add(tag(tagName, tagText.toString()));
                }
                tagName = m.group(1);
                tagText.setLength(0);
                tagText.append(m.group(2));
            } else if (tagName != null) {
                tagText.append('\n').append(line);
            } else {
                description.append(line).append('\n');
            }
        }
        if (tagName != null) {
            tags.add(tag(tagName, tagText.toString()));
        }
        return new JavadocText(description.toString().strip(), tags);
    }

    private static Tag tag(String name, String text) {
        String t = text.strip();
        if (name.equals("param") || name.equals("throws") || name.equals("exception")) {
            int space = t.indexOf(' ');
            return new Tag(name, space < 0 ? t : t.substring(0, space), space < 0 ? "" : t.substring(space + 1).strip());
        }
        return new Tag(name, "", name.equals("see") && !t.startsWith("<") && !t.startsWith("\"") ? reference(t) : t);
    }

    /** The first paragraph of the description, or its first sentence if that paragraph is long. */
    String summary() {
        Matcher m = PARAGRAPH.matcher(description);
        String first = (m.find() && m.start() > 0 ? description.substring(0, m.start()) : description).strip();
        if (first.length() > LONG_SUMMARY) {
            Matcher sentence = Pattern.compile("\\.(\\s|$)").matcher(first);
            if (sentence.find()) {
                first = first.substring(0, sentence.start() + 1);
            }
        }
        return first;
    }

    String description() {
        return description;
    }

    List<Tag> tags() {
        return tags;
    }

    /** Parameters, Returns, Throws (and, in detail, every other tag): heading to entries. */
    private Map<String, List<String[]>> sections(boolean detail) {
        Map<String, List<String[]>> sections = new LinkedHashMap<>();
        for (Tag tag : tags) {
            String heading = switch (tag.name()) {
                case "param" -> "Parameters";
                case "return" -> "Returns";
                case "throws", "exception" -> "Throws";
                case "deprecated" -> "Deprecated";
                default -> detail ? heading(tag.name()) : null;
            };
            if (heading != null) {
                sections.computeIfAbsent(heading, h -> new ArrayList<>()).add(new String[] {tag.argument(), tag.text()});
            }
        }
        return sections;
    }

    private static String heading(String tagName) {
        return switch (tagName) {
            case "see" -> "See also";
            case "since" -> "Since";
            case "apiNote" -> "API note";
            case "implNote" -> "Implementation note";
            case "implSpec" -> "Implementation requirements";
            default -> Character.toUpperCase(tagName.charAt(0)) + tagName.substring(1);
        };
    }

    /** Plain text: the summary (or, in detail, the whole description) and the sections. */
    String plain(boolean detail) {
        StringBuilder out = new StringBuilder(plainHtml(detail ? description : summary()));
        for (Map.Entry<String, List<String[]>> section : sections(detail).entrySet()) {
            out.append(out.length() > 0 ? "\n\n" : "").append(section.getKey()).append(':');
            for (String[] entry : section.getValue()) {
                String text = plainHtml(entry[1]).replace("\n", "\n    ");
                out.append("\n  ").append(entry[0].isEmpty() ? text : entry[0] + " - " + text);
            }
        }
        return out.toString().strip();
    }

    /** HTML: the description as javadoc wrote it (inline tags made HTML) and the sections as a list. */
    String html(boolean detail) {
        StringBuilder out = new StringBuilder("<div>").append(inlineHtml(detail ? description : summary())).append("</div>");
        Map<String, List<String[]>> sections = sections(detail);
        if (!sections.isEmpty()) {
            out.append("<dl>");
            for (Map.Entry<String, List<String[]>> section : sections.entrySet()) {
                out.append("<dt><b>").append(section.getKey()).append(":</b></dt>");
                for (String[] entry : section.getValue()) {
                    out.append("<dd>").append(entry[0].isEmpty() ? "" : "<code>" + escape(entry[0]) + "</code> - ")
                            .append(inlineHtml(entry[1])).append("</dd>");
                }
            }
            out.append("</dl>");
        }
        return out.toString();
    }

    /** Javadoc HTML as text: inline tags reduced to their text, paragraphs and list items kept, tags dropped. */
    static String plainHtml(String javadoc) {
        String text = replaceInlineTags(javadoc, false);
        StringBuilder kept = new StringBuilder();
        Matcher pre = Pattern.compile("(?is)<pre>(.*?)</pre>").matcher(text);
        int last = 0;
        while (pre.find()) {
            kept.append(text, last, pre.start()).append("\u0001")
                    .append(pre.group(1).replace("\n", "\u0002").replace(' ', '\u0005')).append("\u0001");
            last = pre.end();
        }
        kept.append(text.substring(last));
        String flat = kept.toString()
                .replaceAll("(?i)<p\\b[^>]*>|</p>|<ul>|</ul>|<ol>|</ol>|<blockquote>|</blockquote>|<h\\d[^>]*>", "\u0003")
                .replaceAll("(?i)<br\\s*/?>", "\u0002")
                .replaceAll("(?i)<li\\b[^>]*>", "\u0004")
                .replaceAll("<[^>]+>", "")
                .replaceAll("[ \\t\\r\\n]+", " ");
        String lines = flat.replaceAll(" ?\u0003 ?", "\n\n").replaceAll(" ?\u0004 ?", "\n  - ")
                .replaceAll("\u0001", "\n").replace('\u0002', '\n').replace('\u0005', ' ');
        return decodeEntities(lines).replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n").strip();
    }

    private static String inlineHtml(String javadoc) {
        return replaceInlineTags(javadoc, true);
    }

    /**
     * Replaces {@code {@code x}}, {@code {@link A#b label}} and the other inline tags (braces may
     * nest inside them) with their text, or in HTML with {@code <code>} where javadoc shows code.
     */
    private static String replaceInlineTags(String text, boolean html) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf("{@", i);
            if (open < 0) {
                out.append(text, i, text.length());
                break;
            }
            out.append(text, i, open);
            int depth = 0;
            int close = -1;
            for (int j = open; j < text.length(); j++) {
                char c = text.charAt(j);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    close = j;
                    break;
                }
            }
            if (close < 0) {
                out.append(text, open, text.length());
                break;
            }
            String body = text.substring(open + 2, close);
            int space = body.indexOf(' ');
            String name = (space < 0 ? body : body.substring(0, space)).strip();
            String arg = space < 0 ? "" : body.substring(space + 1).strip();
            out.append(inlineTag(name, arg, html));
            i = close + 1;
        }
        return out.toString();
    }

    private static String inlineTag(String name, String arg, boolean html) {
        switch (name) {
            case "code", "literal", "value", "systemProperty" -> {
                if (!html) {
                    return escape(arg);
                }
                return name.equals("literal") ? escape(arg) : "<code>" + escape(arg) + "</code>";
            }
            case "link", "linkplain" -> {
                String[] parts = arg.split("\\s+", 2);
                String label = parts.length > 1 ? parts[1] : reference(parts[0]);
                return html && name.equals("link") ? "<code>" + escape(label) + "</code>" : escape(label);
            }
            default -> {
                // {@summary text}, {@index "term"}, {@docRoot}...: their text.
                return escape(arg.replace("\"", ""));
            }
        }
    }

    /** {@code Integer#MAX_VALUE} as a reader writes it: {@code Integer.MAX_VALUE}; {@code #abs(int)}: {@code abs(int)}. */
    private static String reference(String ref) {
        return ref.startsWith("#") ? ref.substring(1) : ref.replace('#', '.');
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String decodeEntities(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&nbsp;", " ").replace("&ndash;", "–").replace("&mdash;", "—").replace("&amp;", "&");
    }
}
