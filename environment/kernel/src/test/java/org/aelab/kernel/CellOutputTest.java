package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.junit.jupiter.api.Test;

class CellOutputTest {

    private static List<CellOutput.Event> drain(CellOutput output) {
        List<CellOutput.Event> events = new ArrayList<>();
        output.drain(events::add);
        return events;
    }

    @Test
    void manyPrintlnsBecomeOneMessage() {
        CellOutput output = new CellOutput();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            output.out().println("line " + i);
            expected.append("line ").append(i).append('\n');
        }
        List<CellOutput.Event> events = drain(output);
        assertEquals(1, events.size());
        CellOutput.Text text = assertInstanceOf(CellOutput.Text.class, events.get(0));
        assertEquals(PublishStream.StreamType.OUT, text.stream());
        assertEquals(expected.toString(), text.text());
        assertEquals(0, drain(output).size());
    }

    @Test
    void textAndDisplaysKeepTheirOrder() {
        CellOutput output = new CellOutput();
        output.out().print("before ");
        output.err().println("warning");
        output.display(new DisplayData("shown"), false);
        output.out().println("after");
        List<CellOutput.Event> events = drain(output);
        assertEquals(4, events.size());
        assertEquals("before ", ((CellOutput.Text) events.get(0)).text());
        assertEquals("warning\n", ((CellOutput.Text) events.get(1)).text());
        assertInstanceOf(CellOutput.Shown.class, events.get(2));
        assertEquals("after\n", ((CellOutput.Text) events.get(3)).text());
    }

    @Test
    void multiByteCharactersSplitAcrossWritesSurvive() {
        CellOutput output = new CellOutput();
        byte[] bytes = "héllo ✓".getBytes(StandardCharsets.UTF_8);
        int cut = 2; // inside the two bytes of 'é'
        output.out().write(bytes, 0, cut);
        output.out().flush();
        output.out().write(bytes, cut, bytes.length - cut);
        output.out().flush();
        StringBuilder text = new StringBuilder();
        drain(output).forEach(e -> text.append(((CellOutput.Text) e).text()));
        assertEquals("héllo ✓", text.toString());
    }

    @Test
    void outputBeyondTheCapIsDroppedWithANote() {
        CellOutput output = new CellOutput();
        String chunk = "x".repeat(1 << 20);
        for (int i = 0; i < 10; i++) {
            output.out().print(chunk);
            output.out().flush();
        }
        List<CellOutput.Event> events = drain(output);
        CellOutput.Text kept = (CellOutput.Text) events.get(0);
        assertEquals(CellOutput.MAX_PENDING_CHARS, kept.text().length());
        CellOutput.Text note = (CellOutput.Text) events.get(events.size() - 1);
        assertEquals(PublishStream.StreamType.ERR, note.stream());
        org.junit.jupiter.api.Assertions.assertTrue(note.text().contains((2 << 20) + " characters of output were dropped"),
                note.text());
    }
}
