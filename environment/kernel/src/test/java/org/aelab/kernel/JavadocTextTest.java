package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JavadocTextTest {

    /** Math.abs(int)'s javadoc as JShell hands it over (abridged). */
    private static final String ABS = " Returns the absolute value of an {@code int} value.\n"
            + " If the argument is not negative, the argument is returned.\n\n"
            + " <p>Note that if the argument is equal to the value of {@link\n Integer#MIN_VALUE}, the result is"
            + " negative.\n\n"
            + " @param   a   the argument whose absolute value is to be determined\n"
            + " @return  the absolute value of the argument.\n"
            + " @see Math#absExact(int)\n";

    @Test
    void inlineTagsAndHtmlBecomePlainText() {
        String javadoc = " Returns the greater of two {@code int} values. That is, the\n result is closer to"
                + " {@link Integer#MAX_VALUE}.<p>\n See <a href=\"x\">this</a> &amp; that.";
        assertEquals("Returns the greater of two int values. That is, the result is closer to Integer.MAX_VALUE.\n\n"
                + "See this & that.", JavadocText.plainHtml(javadoc));
    }

    @Test
    void codeKeepsAngleBracketsAndNestedBracesListsAndPreformattedText() {
        assertEquals("A List<String> or new int[] {1, 2}.\n\n  - one\n  - two\n\n  x = 1;\n    y = 2;\n\nend",
                JavadocText.plainHtml("A {@code List<String>} or {@code new int[] {1, 2}}.<ul><li>one<li>two</ul>"
                        + "<pre>\n  x = 1;\n    y = 2;\n</pre>end"));
    }

    @Test
    void summaryIsTheFirstParagraphWithParametersAndReturn() {
        assertEquals("Returns the absolute value of an int value. If the argument is not negative, the argument is"
                + " returned.\n\nParameters:\n  a - the argument whose absolute value is to be determined\n\n"
                + "Returns:\n  the absolute value of the argument.", JavadocText.parse(ABS).plain(false));
    }

    @Test
    void detailHasTheWholeDescriptionAndEveryTag() {
        String detail = JavadocText.parse(ABS).plain(true);
        assertTrue(detail.contains("\n\nNote that if the argument is equal to the value of Integer.MIN_VALUE, the"
                + " result is negative.\n\nParameters:"), detail);
        assertTrue(detail.endsWith("See also:\n  Math.absExact(int)"), detail);
    }

    @Test
    void htmlMarksCodeAndListsTheTags() {
        String html = JavadocText.parse(ABS).html(false);
        assertTrue(html.startsWith("<div>Returns the absolute value of an <code>int</code> value."), html);
        assertTrue(html.contains("<dt><b>Parameters:</b></dt><dd><code>a</code> - the argument whose absolute value"),
                html);
        assertTrue(!html.contains("MIN_VALUE"), "the summary stops at the first paragraph: " + html);
    }

    @Test
    void aLongFirstParagraphIsCutToItsFirstSentence() {
        String javadoc = "First sentence here. " + "More words follow. ".repeat(60);
        assertEquals("First sentence here.", JavadocText.parse(javadoc).plain(false));
    }
}
