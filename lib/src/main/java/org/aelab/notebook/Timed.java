package org.aelab.notebook;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value with the wall-clock seconds it took to compute, for timings inside one notebook
 * statement (a notebook runs each statement separately, so timing across statements would also
 * count the kernel compiling them):
 *
 * <pre>{@code
 * var covariance = Timed.of(() -> covarianceOf(images));
 * covariance.seconds();   // 0.8
 * covariance.value();     // the NDArray
 * }</pre>
 *
 * @param value what the work returned
 * @param seconds how long the work took
 * @param <T> the type of the value
 */
public record Timed<T>(T value, double seconds) {

    /** Runs {@code work} and times it. */
    public static <T> Timed<T> of(Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        long started = System.nanoTime();
        T value = work.get();
        return new Timed<>(value, (System.nanoTime() - started) / 1e9);
    }
}
