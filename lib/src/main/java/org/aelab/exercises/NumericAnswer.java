package org.aelab.exercises;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a numeric answer is judged: the reference computed from the givens, the tolerance, and the
 * misreadings worth a hint (a value that a plausible mistake gives, with what the mistake is).
 * Each call returns a new judgement:
 *
 * <pre>{@code
 * NumericAnswer.expecting(sse, "SSE/img at k = 100").within(0.002)
 *         .misreading(sse / 784, "that is per pixel; the question asks for the sum over an image's 784 pixels")
 *         .judge(id, answer)
 * }</pre>
 *
 * <p>An answer within the tolerance of the reference is right. Otherwise the first misreading it
 * matches (within the same tolerance) gives the hint; after the exercise's own misreadings come
 * the generic ones, the opposite sign and a factor of 2 either way. An answer that matches none is
 * told whether it is too high or too low, and nothing more: a hint never states the reference.
 */
public final class NumericAnswer {

    private record Misreading(double value, String hint) {}

    private final double reference;
    private final String quantity;
    private final double relative;
    private final double absolute;
    private final List<Misreading> misreadings;
    private final String tooHigh;
    private final String tooLow;
    private final String detail;

    private NumericAnswer(double reference, String quantity, double relative, double absolute,
                          List<Misreading> misreadings, String tooHigh, String tooLow, String detail) {
        this.reference = reference;
        this.quantity = quantity;
        this.relative = relative;
        this.absolute = absolute;
        this.misreadings = List.copyOf(misreadings);
        this.tooHigh = tooHigh;
        this.tooLow = tooLow;
        this.detail = detail;
    }

    /**
     * Judges answers against {@code reference}, named {@code quantity} in the verdict, to a relative
     * tolerance of 10⁻⁶ until {@link #within} says otherwise.
     *
     * @throws IllegalArgumentException if the reference is not finite (the givens are broken)
     */
    public static NumericAnswer expecting(double reference, String quantity) {
        if (!Double.isFinite(reference)) {
            throw new IllegalArgumentException("the reference for " + quantity + " came out as " + reference
                    + "; the data or model passed to the check is not usable (has it been trained?)");
        }
        return new NumericAnswer(reference, quantity, 1e-6, 0, List.of(), "too high", "too low", null);
    }

    /** A relative tolerance: right when |answer − reference| ≤ {@code relative} · |reference|. */
    public NumericAnswer within(double relative) {
        return new NumericAnswer(reference, quantity, relative, absolute, misreadings, tooHigh, tooLow, detail);
    }

    /** An absolute tolerance, added to the relative one: for references near zero. */
    public NumericAnswer plusOrMinus(double absolute) {
        return new NumericAnswer(reference, quantity, relative, absolute, misreadings, tooHigh, tooLow, detail);
    }

    /** A value that a plausible mistake gives, and the hint for it. */
    public NumericAnswer misreading(double value, String hint) {
        List<Misreading> more = new ArrayList<>(misreadings);
        more.add(new Misreading(value, hint));
        return new NumericAnswer(reference, quantity, relative, absolute, more, tooHigh, tooLow, detail);
    }

    /** The hints for answers that match no misreading: too high, too low. */
    public NumericAnswer otherwise(String tooHigh, String tooLow) {
        return new NumericAnswer(reference, quantity, relative, absolute, misreadings, tooHigh, tooLow, detail);
    }

    /** What a right answer's verdict adds after the value, e.g. where the reference came from. */
    public NumericAnswer detail(String detail) {
        return new NumericAnswer(reference, quantity, relative, absolute, misreadings, tooHigh, tooLow, detail);
    }

    /** The reference value. */
    public double reference() {
        return reference;
    }

    /** The verdict on {@code answer}. */
    public Verdict judge(String id, Number answer) {
        double value = answer.doubleValue();
        if (!Double.isFinite(value)) {
            return Verdict.notYet(id, "the answer is " + value + "; " + quantity + " is a finite number.");
        }
        if (near(value, reference)) {
            String tolerance = relative > 1e-5 || absolute > 0 ? " (" + toleranceText() + ")" : "";
            return Verdict.right(id, quantity + " = " + format(reference) + tolerance
                    + (detail == null ? "" : "; " + detail));
        }
        for (Misreading misreading : misreadings) {
            if (near(value, misreading.value())) {
                return Verdict.notYet(id, misreading.hint());
            }
        }
        if (reference != 0 && near(value, -reference)) {
            return Verdict.notYet(id, "the sign is wrong.");
        }
        if (near(value, 2 * reference) || near(value, reference / 2)) {
            return Verdict.notYet(id, "off by a factor of 2 (" + (Math.abs(value) > Math.abs(reference)
                    ? "twice" : "half") + " the value asked for).");
        }
        return Verdict.notYet(id, value > reference ? tooHigh + "." : tooLow + ".");
    }

    private boolean near(double value, double target) {
        return Math.abs(value - target) <= relative * Math.abs(target) + absolute;
    }

    private String toleranceText() {
        String text = relative > 0 ? "answers within " + brief(100 * relative) + "% count" : "";
        if (absolute > 0) {
            text += (text.isEmpty() ? "answers within ± " : ", plus or minus ") + brief(absolute);
        }
        return text;
    }

    /** A tolerance as written by hand: 3 significant digits, no trailing zeros (0.2, 0.002, 1). */
    private static String brief(double value) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3g", value)).stripTrailingZeros().toPlainString();
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return String.format(Locale.ROOT, "%.5g", value);
    }
}
