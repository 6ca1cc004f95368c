/**
 * Charts and tables as notebook output: {@link org.aelab.plots.LossPlot} draws loss curves as
 * Tablesaw/plotly figures, and {@link org.aelab.plots.PlotHtml} turns figures and tables into
 * self-contained HTML that draws offline with the plotly.js shipped in this jar.
 */
package org.aelab.plots;
