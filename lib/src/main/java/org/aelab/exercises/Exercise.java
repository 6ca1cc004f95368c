package org.aelab.exercises;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One checked exercise: its id, what kind of answer it takes, what it is computed from (its
 * givens, each with a name and a type) and the judge that compares an answer with the reference it
 * computes from the givens. Defined fluently, each call returning a new definition:
 *
 * <pre>{@code
 * Exercise.named("01.1").answer(Number.class, "the number of components")
 *         .given("eigenvalues", double[].class)
 *         .judge((answer, givens) -> ...)
 * }</pre>
 *
 * <p>The judge is only called with a non-null answer of the declared type and with givens of the
 * declared types; {@link Exercises#check} sees to that, and reports anything else as an error that
 * says what to pass.
 */
public final class Exercise {

    /** Compares an answer with the reference computed from the givens. */
    @FunctionalInterface
    public interface Judge {
        /**
         * @param id     the exercise's id, for the verdict
         * @param answer the reader's answer, of the exercise's answer type, never null
         * @param givens what the notebook passed, of the declared types
         */
        Verdict judge(String id, Object answer, Givens givens);
    }

    /** A named, typed argument of the check call. */
    public record Given(String name, Class<?> type) {
        public Given {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    private final String id;
    private final Class<?> answerType;
    private final String answerName;
    private final List<Given> givens;
    private final Judge judge;

    private Exercise(String id, Class<?> answerType, String answerName, List<Given> givens, Judge judge) {
        this.id = id;
        this.answerType = answerType;
        this.answerName = answerName;
        this.givens = List.copyOf(givens);
        this.judge = judge;
    }

    /** Starts the definition of exercise {@code id}, "NN.k": notebook NN, exercise k. */
    public static Exercise named(String id) {
        if (id == null || !id.matches("\\d\\d\\.\\d+")) {
            throw new IllegalArgumentException("An exercise id is \"NN.k\" (notebook, number), got " + id);
        }
        return new Exercise(id, Object.class, "the answer", List.of(), null);
    }

    /** The type of answer it takes ({@code Number.class} for a number) and what the answer is. */
    public Exercise answer(Class<?> type, String description) {
        return new Exercise(id, Objects.requireNonNull(type, "type"), Objects.requireNonNull(description, "description"),
                givens, judge);
    }

    /** Appends a given: the next argument of the check call after the answer. */
    public Exercise given(String name, Class<?> type) {
        List<Given> more = new ArrayList<>(givens);
        more.add(new Given(name, type));
        return new Exercise(id, answerType, answerName, more, judge);
    }

    /** The judge; the definition is complete with it. */
    public Exercise judge(Judge judge) {
        return new Exercise(id, answerType, answerName, givens, Objects.requireNonNull(judge, "judge"));
    }

    /** The exercise's id, e.g. {@code "01.1"}. */
    public String id() {
        return id;
    }

    /** The givens, in the order of the check call's arguments. */
    public List<Given> givens() {
        return givens;
    }

    /** The type of answer it takes. */
    public Class<?> answerType() {
        return answerType;
    }

    /** What the answer is, in words. */
    public String answerName() {
        return answerName;
    }

    Verdict check(Object answer, List<Object> values) {
        if (judge == null) {
            throw new IllegalStateException("Exercise " + id + " has no judge");
        }
        if (values.size() != givens.size()) {
            throw new IllegalArgumentException(usage() + ": " + values.size() + " given(s) passed, "
                    + givens.size() + " expected");
        }
        for (int i = 0; i < givens.size(); i++) {
            Given given = givens.get(i);
            Object value = values.get(i);
            if (value == null || !accepts(given.type(), value)) {
                throw new IllegalArgumentException(usage() + ": argument " + (i + 3) + " must be " + given.name()
                        + " (" + given.type().getSimpleName() + "), got "
                        + (value == null ? "null" : value.getClass().getSimpleName())
                        + "; run the notebook's cells above first");
            }
        }
        if (answer == null || answer instanceof Double d && d.isNaN() || answer instanceof Float f && f.isNaN()) {
            return Verdict.notAnswered(id);
        }
        if (!accepts(answerType, answer)) {
            return Verdict.notYet(id, "the answer should be " + answerName + " (" + answerType.getSimpleName()
                    + "), not a " + answer.getClass().getSimpleName() + ".");
        }
        return judge.judge(id, answer, new Givens(values));
    }

    private static boolean accepts(Class<?> type, Object value) {
        return type.isInstance(value) || type == Double.class && value instanceof Number;
    }

    /** The check call this exercise expects, for error messages. */
    String usage() {
        StringBuilder call = new StringBuilder("Exercises.check(\"" + id + "\", <" + answerName + ">");
        for (Given given : givens) {
            call.append(", <").append(given.name()).append(">");
        }
        return call.append(")").toString();
    }
}
