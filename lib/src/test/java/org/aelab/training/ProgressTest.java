package org.aelab.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.aelab.notebook.DisplaySink;
import org.aelab.notebook.Notebook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
    private final List<String> order = new ArrayList<>();

    @AfterEach
    void terminal() {
        Notebook.install(null);
    }

    private void installNotebook() {
        Notebook.install(new DisplaySink() {
            @Override
            public String show(Map<String, String> bundle) {
                String id = "output-" + outputs.size();
                outputs.put(id, bundle);
                order.add(id);
                return id;
            }

            @Override
            public void update(String id, Map<String, String> bundle) {
                assertTrue(outputs.containsKey(id), id);
                outputs.put(id, bundle);
            }

            @Override
            public boolean isNotebook() {
                return true;
            }
        });
    }

    @Test
    void theProgressLineStaysAndTheLossChartFollowsItWithEveryEpoch() {
        installNotebook();
        Progress progress = new Progress(true, 3, 10);
        progress.start("Training 3 epochs");
        for (int epoch = 1; epoch <= 3; epoch++) {
            progress.epochDone(epoch, Map.of("loss", 1.0 / epoch), Map.of("loss", 1.1 / epoch), 0.1, 1000);
        }
        progress.finish("Done: 3 epochs in 0 s.", 1);

        Map<String, String> line = outputs.get(order.get(0));
        assertTrue(line.get("text/plain").startsWith("epoch 3/3 · train loss 0.3333 · test loss 0.3667"), line.toString());
        assertTrue(line.get("text/plain").endsWith("Done: 3 epochs in 0 s."), line.toString());
        Map<String, String> chart = outputs.get(order.get(order.size() - 1));
        assertTrue(chart.get("text/plain").startsWith("Loss per epoch: 3 of 3 epochs, train loss 0.3333, test loss 0.3667"),
                chart.get("text/plain"));
        assertTrue(chart.get("text/html").contains("Plotly.newPlot"), "a plotly chart");
        assertTrue(order.size() <= 3, "the progress line, maybe plotly.js, the chart: " + order);
    }

    @Test
    void noChartWhenProgressIsOffOrNoEpochCompleted() {
        installNotebook();
        Progress off = new Progress(false, 3, 10);
        off.start("Training");
        off.epochDone(1, Map.of("loss", 1.0), Map.of("loss", 1.0), 0.1, 1000);
        off.finish("Done", 1);
        assertEquals(List.of(), order);

        Progress interrupted = new Progress(true, 3, 10);
        interrupted.start("Training 3 epochs");
        interrupted.finish("Interrupted in epoch 1", 0);
        assertEquals(1, order.size(), "only the progress line: " + order);
    }
}
