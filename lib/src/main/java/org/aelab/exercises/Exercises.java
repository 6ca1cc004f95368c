package org.aelab.exercises;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks the answers of the notebooks' "Try it" exercises:
 *
 * <pre>{@code
 * Exercises.check("01.1", components, eigenvalues)
 * }</pre>
 *
 * <p>The first argument names the exercise, the second is the reader's answer ({@code null} until
 * answered), and the rest are its givens, the notebook's own objects the reference is computed
 * from; the notebook's check cell passes them. The result shows as one line in the notebook.
 */
public final class Exercises {

    private static final Map<String, Exercise> ALL = catalogue(
            PcaExercises.all(), AutoencoderExercises.all(), DenoisingExercises.all(),
            VaeExercises.all(), AdversarialExercises.all(), BetaLikelihoodExercises.all());

    private Exercises() {
    }

    /**
     * Checks {@code answer} to exercise {@code id}.
     *
     * @param id     the exercise, "NN.k" as the notebook's heading numbers it
     * @param answer the reader's answer; {@code null} (or {@code NaN}) means not answered yet, and then
     *               nothing is computed
     * @param givens what the reference is computed from, as the notebook's check cell passes them
     * @return the verdict, which shows as one line
     * @throws IllegalArgumentException if there is no such exercise, or the givens are not what it
     *                                  needs (the message gives the call it expects)
     */
    public static Verdict check(String id, Object answer, Object... givens) {
        Exercise exercise = ALL.get(id);
        if (exercise == null) {
            throw new IllegalArgumentException("There is no exercise \"" + id + "\"; the notebooks have "
                    + String.join(", ", ALL.keySet()));
        }
        return exercise.check(answer, Arrays.asList(givens == null ? new Object[] {null} : givens));
    }

    /** The ids of every exercise, in notebook order. */
    public static List<String> ids() {
        return List.copyOf(ALL.keySet());
    }

    /** The definition of exercise {@code id}, or an exception naming the ids there are. */
    public static Exercise exercise(String id) {
        Exercise exercise = ALL.get(id);
        if (exercise == null) {
            throw new IllegalArgumentException("There is no exercise \"" + id + "\"");
        }
        return exercise;
    }

    @SafeVarargs
    private static Map<String, Exercise> catalogue(List<Exercise>... lists) {
        Map<String, Exercise> map = new LinkedHashMap<>();
        for (Exercise exercise : Stream.of(lists).flatMap(List::stream).collect(Collectors.toList())) {
            if (map.put(exercise.id(), exercise) != null) {
                throw new IllegalStateException("exercise " + exercise.id() + " is defined twice");
            }
        }
        return Collections.unmodifiableMap(map);
    }
}
