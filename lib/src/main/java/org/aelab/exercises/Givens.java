package org.aelab.exercises;

import java.util.List;

/**
 * What an exercise is computed from, as the notebook passed it to {@link Exercises#check}: the
 * data, a trained model, parameters of the question. Each given is read by position with the
 * type its {@link Exercise} declared, which {@link Exercises#check} has verified.
 */
public final class Givens {

    private final List<Object> values;

    Givens(List<Object> values) {
        this.values = values;
    }

    /** The given at {@code index} (0 is the first argument after the answer), as {@code type}. */
    public <T> T get(int index, Class<T> type) {
        Object value = values.get(index);
        return type.cast(value instanceof Number number && type == Double.class ? number.doubleValue() : value);
    }

    /** The given at {@code index}, a number, as a double. */
    public double number(int index) {
        return ((Number) values.get(index)).doubleValue();
    }

    /** The number of givens. */
    public int size() {
        return values.size();
    }
}
