package org.aelab.plots;

import com.google.gson.Gson;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.aelab.notebook.DisplaySink;

/**
 * What the live loss chart costs a training run: wall and CPU time per redraw of a 100-epoch chart,
 * including turning the MIME bundle into JSON as the kernel does before sending it, against the
 * length of an epoch. Each epoch redraws the chart at most once.
 *
 * <pre>
 * mvn -B -q -pl lib test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath org.aelab.plots.LiveLossChartBenchmark 2.72"
 * </pre>
 * The argument is the epoch length in seconds to compare with (default 2.72, notebook 02's median).
 */
public final class LiveLossChartBenchmark {

    private LiveLossChartBenchmark() {
    }

    public static void main(String[] args) {
        double epochSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.72;
        Gson gson = new Gson();
        long[] bytes = new long[1];
        DisplaySink sink = new DisplaySink() {
            @Override
            public String show(Map<String, String> bundle) {
                bytes[0] += gson.toJson(bundle).length();
                return "chart";
            }

            @Override
            public void update(String displayId, Map<String, String> bundle) {
                bytes[0] += gson.toJson(bundle).length();
            }

            @Override
            public boolean isNotebook() {
                return true;
            }
        };
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        PlotHtml.claimBundle();   // measure the redraws, not the one-off plotly.js output
        for (String[] terms : new String[][] {{"loss"}, {"total", "reconstruction", "kl"}}) {
            for (int round = 1; round <= 5; round++) {
                LiveLossChart chart = LiveLossChart.create(sink, 100, "Loss per epoch");
                bytes[0] = 0;
                long cpu = threads.getCurrentThreadCpuTime();
                for (int epoch = 1; epoch <= 100; epoch++) {
                    Map<String, Double> values = new LinkedHashMap<>();
                    for (int i = 0; i < terms.length; i++) {
                        values.put(terms[i], 100.0 / (epoch + i));
                    }
                    chart.add(epoch, values, values);
                    chart.finish();   // draws now instead of at most twice a second: the worst case
                }
                cpu = threads.getCurrentThreadCpuTime() - cpu;
                double wallMs = chart.nanosSpent() / 1e6 / chart.draws();
                double cpuMs = cpu / 1e6 / chart.draws();
                System.out.printf(Locale.ROOT, "%d term(s), round %d: %d draws, %.3f ms wall, %.3f ms CPU per draw, "
                        + "%.1f kB per message; %.4f%% of a %.2f s epoch (wall)%n", terms.length, round, chart.draws(),
                        wallMs, cpuMs, bytes[0] / 1024.0 / chart.draws(), wallMs / 1e3 / epochSeconds * 100, epochSeconds);
            }
        }
    }
}
