package org.aelab.exercises;

import java.util.Objects;

/**
 * The outcome of checking one answer. In a notebook it shows as one line ({@link #toString()}):
 * <ul>
 *   <li>{@code ✓ 01.1 right: …} with the value computed from the notebook's data or model;</li>
 *   <li>{@code ✗ 01.1 not yet: …} with a hint that says what is off, never the value itself;</li>
 *   <li>{@code … 01.1 not answered yet: …} when the answer is still {@code null}.</li>
 * </ul>
 */
public final class Verdict {

    /** The three outcomes of a check. */
    public enum Outcome {
        /** The answer matches the reference (within the exercise's stated tolerance). */
        RIGHT,
        /** The answer is there but does not match; the message is a hint. */
        NOT_YET,
        /** No answer yet ({@code null}, or {@code NaN} for a number). */
        NOT_ANSWERED
    }

    private final String id;
    private final Outcome outcome;
    private final String message;

    private Verdict(String id, Outcome outcome, String message) {
        this.id = Objects.requireNonNull(id, "id");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.message = Objects.requireNonNull(message, "message");
    }

    /** A right answer; {@code detail} states the reference value and where it came from. */
    public static Verdict right(String id, String detail) {
        return new Verdict(id, Outcome.RIGHT, detail);
    }

    /** A wrong answer; {@code hint} says what is off without giving the value away. */
    public static Verdict notYet(String id, String hint) {
        return new Verdict(id, Outcome.NOT_YET, hint);
    }

    /** No answer yet. */
    public static Verdict notAnswered(String id) {
        return new Verdict(id, Outcome.NOT_ANSWERED,
                "write your answer in the cell above (it is still null), run that cell, then this one.");
    }

    /** The exercise's id, e.g. {@code "04.2"}. */
    public String id() {
        return id;
    }

    /** Which of the three outcomes this is. */
    public Outcome outcome() {
        return outcome;
    }

    /** {@code true} for a right answer. */
    public boolean isRight() {
        return outcome == Outcome.RIGHT;
    }

    /** The detail of a right answer, or the hint of a wrong one, without the leading mark. */
    public String message() {
        return message;
    }

    /** One line: a mark, the id, the outcome and the message. */
    @Override
    public String toString() {
        return switch (outcome) {
            case RIGHT -> "✓ " + id + " right: " + message;
            case NOT_YET -> "✗ " + id + " not yet: " + message;
            case NOT_ANSWERED -> "… " + id + " not answered yet: " + message;
        };
    }
}
