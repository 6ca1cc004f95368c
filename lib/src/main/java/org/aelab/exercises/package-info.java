/**
 * The checked exercises at the end of every notebook ("Try it"). A reader writes an answer in one
 * cell and checks it in the next:
 *
 * <pre>{@code
 * Integer components = null;                           // ← your answer
 * Exercises.check("01.1", components, eigenvalues)     // ✓ with the exact value, or a hint
 * }</pre>
 *
 * <p>{@link org.aelab.exercises.Exercises#check} finds the exercise by its id ("notebook.number"),
 * checks that the notebook passed what the exercise is computed from (its <em>givens</em>: the
 * data, the trained model, the reader's own run), and returns a {@link org.aelab.exercises.Verdict}
 * that shows as one line: right (with the value computed from the givens), not yet (with a hint
 * that names what is off: a sign, a factor, the units), or not answered yet. An unanswered
 * exercise ({@code null}, or {@code NaN} for a number) costs nothing: nothing is computed.
 *
 * <p>No reference value is typed in: each is computed from the givens when the check runs, and
 * where an answer depends on random draws or on training, the exercise states its tolerance. The
 * exercises of each notebook are defined in one class ({@code PcaExercises} for notebook 01, and
 * so on); their worked solutions live apart, in {@code notebooks/solutions/}.
 */
package org.aelab.exercises;
