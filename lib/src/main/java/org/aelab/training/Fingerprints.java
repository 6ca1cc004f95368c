package org.aelab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Short texts that identify arrays and parameters, for checkpoint keys. */
final class Fingerprints {

    /** Significant digits kept of probe statistics: float noise stays below them, code changes do not. */
    static final int DIGITS = 5;

    private Fingerprints() {
    }

    /**
     * A hash of the exact parameter values of {@code blocks}, in order. Exact, because seeded
     * initialisation is bit-for-bit repeatable and any trained value differs.
     */
    static String parameters(List<Block> blocks) {
        MessageDigest digest = sha256Digest();
        for (Block block : blocks) {
            for (Parameter parameter : block.getParameters().values()) {
                digest.update(parameter.getName().getBytes(StandardCharsets.UTF_8));
                if (parameter.isInitialized()) {
                    NDArray array = parameter.getArray();
                    digest.update(array.getShape().toString().getBytes(StandardCharsets.UTF_8));
                    digest.update(array.toByteArray());
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    /**
     * The shape, type and two weighted sums of a (possibly huge) data array: its contents and
     * the order of its samples, read in one pass on the engine side.
     */
    static String data(NDArray array) {
        long n = array.getShape().get(0);
        try (NDArray flat = array.reshape(n, -1);
                NDArray narrowRows = flat.sum(new int[] {1});
                NDArray rows = narrowRows.toType(DataType.FLOAT64, true);
                NDArray position = array.getManager().arange(1, (int) n + 1, 1, DataType.FLOAT64);
                NDArray weighted = rows.mul(position);
                NDArray total = rows.sum();
                NDArray ordered = weighted.sum()) {
            return array.getShape() + " " + array.getDataType() + " sum " + total.getDouble()
                    + " weighted " + ordered.getDouble();
        }
    }

    /**
     * A rounded summary of a small array: shape, sum, sum of squares and a position-weighted sum,
     * to {@value #DIGITS} significant digits (relative to the sum of magnitudes, so values near
     * zero do not flicker).
     */
    static String summary(NDArray array) {
        float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
        double sum = 0;
        double magnitude = 0;
        double squares = 0;
        double weighted = 0;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            sum += v;
            magnitude += Math.abs(v);
            squares += v * v;
            weighted += v * ((i % 7) + 1);
        }
        return array.getShape() + " sum " + relative(sum, magnitude) + " squares " + round(squares)
                + " weighted " + relative(weighted, 7 * magnitude);
    }

    private static String round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        return String.format(Locale.ROOT, "%." + (DIGITS - 1) + "e", v);
    }

    /** {@code v} to {@value #DIGITS} digits of {@code scale}. */
    private static String relative(double v, double scale) {
        if (Double.isNaN(v) || Double.isInfinite(v) || scale == 0) {
            return String.valueOf(v);
        }
        int exponent = (int) Math.floor(Math.log10(scale)) - (DIGITS - 1);
        return Math.round(v / Math.pow(10, exponent)) + "e" + exponent;
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(sha256Digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
