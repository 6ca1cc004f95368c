package org.aelab.training;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The named scalar losses of one batch. The first term is the one the optimiser minimises; the
 * others are only reported (a VAE reports its reconstruction and KL terms next to their sum):
 *
 * <pre>{@code
 * LossTerms.of("total", reconstruction.add(kl)).and("reconstruction", reconstruction).and("kl", kl)
 * }</pre>
 *
 * <p>Each value is a scalar NDArray, the mean over the batch, so that epochs of unequal batches
 * average correctly (the loop weights each batch by its size).
 */
public final class LossTerms {

    private final Map<String, NDArray> terms;

    private LossTerms(Map<String, NDArray> terms) {
        this.terms = terms;
    }

    /** Starts with the term that training minimises. */
    public static LossTerms of(String name, NDArray value) {
        return new LossTerms(new LinkedHashMap<>()).put(name, value);
    }

    /** Adds a term that is recorded in the history but not optimised. */
    public LossTerms and(String name, NDArray value) {
        Map<String, NDArray> copy = new LinkedHashMap<>(terms);
        return new LossTerms(copy).put(name, value);
    }

    private LossTerms put(String name, NDArray value) {
        Objects.requireNonNull(value, "loss term value");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A loss term needs a non-blank name.");
        }
        if (terms.containsKey(name)) {
            throw new IllegalArgumentException("Loss term '" + name + "' is given twice; names must be unique.");
        }
        terms.put(name, value);
        return this;
    }

    /** The optimised term. */
    public NDArray optimised() {
        return terms.values().iterator().next();
    }

    /** All term names, optimised first. */
    public List<String> names() {
        return List.copyOf(terms.keySet());
    }

    /** The terms by name, in order, optimised first. */
    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(terms);
    }

    @Override
    public String toString() {
        return "LossTerms" + terms.keySet();
    }
}
