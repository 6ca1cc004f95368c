/**
 * Bridge from library code to whatever shows its output: a Jupyter kernel installs a
 * {@link org.aelab.notebook.DisplaySink} at start-up; without one, output goes to the terminal.
 */
package org.aelab.notebook;
