// Start-up script of the aelab Java kernel: runs before the first cell of every notebook.
// Each snippet runs on its own; one that fails is reported above the first cell's output and the
// rest still run.

import java.util.*;
import java.nio.file.*;

import ai.djl.*;
import ai.djl.engine.*;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.nn.*;
import ai.djl.nn.core.*;
import ai.djl.training.*;
import ai.djl.training.loss.*;
import ai.djl.training.optimizer.*;

import tech.tablesaw.api.*;
import tech.tablesaw.plotly.api.*;
import tech.tablesaw.plotly.components.*;

import org.aelab.data.*;
import org.aelab.images.*;
import org.aelab.plots.*;
import org.aelab.training.*;
import org.aelab.notebook.*;

// Library code (training progress, image grids, plots) shows its output through this sink.
org.aelab.notebook.Notebook.install(new org.aelab.notebook.DisplaySink() {
    @Override
    public String show(Map<String, String> mimeBundle) {
        return org.aelab.kernel.Display.showBundle(mimeBundle);
    }

    @Override
    public void update(String displayId, Map<String, String> mimeBundle) {
        org.aelab.kernel.Display.updateBundle(displayId, mimeBundle);
    }

    @Override
    public boolean isNotebook() {
        return true;
    }
});

// Library code that stops cleanly by itself (Fit) polls the kernel's stop requests through this hook.
org.aelab.notebook.Notebook.installStopHook(new org.aelab.notebook.StopHook() {
    @Override
    public void defer() {
        org.aelab.kernel.CellGuard.deferStops();
    }

    @Override
    public boolean take() {
        return org.aelab.kernel.CellGuard.takeStop();
    }

    @Override
    public void resume() {
        org.aelab.kernel.CellGuard.resumeStops();
    }

    @Override
    public boolean isStop(Throwable t) {
        return t instanceof org.aelab.kernel.CellGuard.CellInterruptedError;
    }
});

// Tablesaw tables and plotly figures as a cell's last expression render as HTML (offline plotly).
org.aelab.kernel.Display.registerHtml(tech.tablesaw.api.Table.class, t -> org.aelab.plots.PlotHtml.of(t));
org.aelab.kernel.Display.registerHtml(tech.tablesaw.plotly.components.Figure.class, f -> org.aelab.plots.PlotHtml.of(f));
