package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JavadocTextTest {

    @Test
    void inlineTagsAndHtmlBecomePlainText() {
        String javadoc = " Returns the greater of two {@code int} values. That is, the\n result is closer to"
                + " {@link Integer#MAX_VALUE}.<p>\n See <a href=\"x\">this</a> &amp; that.\n @param a an argument.";
        assertEquals("Returns the greater of two int values. That is, the\nresult is closer to Integer#MAX_VALUE.\n\n"
                + "See this & that.\n@param a an argument.", AelabKernel.plainJavadoc(javadoc));
    }
}
