package org.aelab.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import org.aelab.notebook.BoundedLoops;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Adam, as DJL defines it, in one pass over each parameter's own memory on the calling thread:
 * for step {@code t} with gradient {@code g},
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   w ← w − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)
 * </pre>
 *
 * and the weight's gradient cleared in the same pass. DJL 0.36's native update runs about a dozen
 * engine operations per parameter tensor, each a pass over memory that wakes the engine's threads.
 * Here the weight and gradient of a float32 CPU parameter are reached through direct buffers in
 * L1-sized chunks, the moments live in Java arrays cut to the same chunks (so that one loop indexes
 * all four alike and the JIT vectorises it), and the square root is Java's, correctly rounded. Java's float arithmetic does not depend on the thread count, the CPU's vector width or
 * a vendor library, so one seed gives the same bits everywhere the engine's own products do.
 *
 * <p>The numbers differ from DJL's {@link Adam} in the last bits (its square root and fused
 * multiply-adds round differently), not in the algorithm. A parameter on another device, of
 * another type, or whose memory a direct buffer does not reach (a strided view), is updated by
 * DJL's Adam instead, decided once per parameter.
 */
public final class OnePassAdam extends Adam {

    /** Floats per chunk: the four arrays of one chunk (4 × 8 KiB) fit a 32 KiB L1 data cache. */
    static final int CHUNK = 2048;
    private static final float[] ZEROS = new float[CHUNK];

    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    /** Per parameter id: its moments, in chunks. */
    private final Map<String, float[][][]> moments = new HashMap<>();
    /** The parameters left to DJL's update. */
    private final Set<String> elsewhere = new HashSet<>();
    private final float[] weights = new float[CHUNK];
    private final float[] gradients = new float[CHUNK];

    private OnePassAdam(float learningRate, float beta1, float beta2, float epsilon) {
        super(Adam.builder().optLearningRateTracker(Tracker.fixed(learningRate))
                .optBeta1(beta1).optBeta2(beta2).optEpsilon(epsilon));
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** Adam with a fixed learning rate, the given betas and DJL's default epsilon (1e-8). */
    public static OnePassAdam of(float learningRate, float beta1, float beta2) {
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("Learning rate must be positive and finite, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam's betas must lie in [0, 1), got " + beta1 + " and " + beta2);
        }
        return new OnePassAdam(learningRate, beta1, beta2, 1e-8f);
    }

    /**
     * Updates {@code weight} from {@code grad} and clears the weight's own gradient, as DJL's Adam
     * does ({@code grad} is that gradient in a training loop, a copy of it under DJL's
     * {@code Trainer.step()}).
     */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        try (NDArray own = weight.hasGradient() ? weight.getGradient() : null) {
            float[][][] state = moments.get(parameterId);
            if (state == null && !elsewhere.contains(parameterId)) {
                if (reachable(weight, grad, own)) {
                    state = newMoments(weight);
                    moments.put(parameterId, state);
                } else {
                    elsewhere.add(parameterId);
                }
            }
            if (state == null) {
                super.update(parameterId, weight, grad);
                return;
            }
            int n = Math.toIntExact(weight.size());
            if (grad.size() != n || n != length(state[0])) {
                throw new IllegalStateException("Parameter " + parameterId + " has " + n + " values and a gradient of "
                        + grad.size() + " where the optimiser holds moments of " + length(state[0])
                        + "; build a new optimiser for a new model.");
            }
            int t = updateCount(parameterId);
            float rate = (float) (learningRate * Math.sqrt(1.0 - Math.pow(beta2, t)) / (1.0 - Math.pow(beta1, t)));
            FloatBuffer w = weight.toByteBuffer(true).asFloatBuffer();
            FloatBuffer g = grad.toByteBuffer(true).asFloatBuffer();
            FloatBuffer cleared = own == null ? null : own.toByteBuffer(true).asFloatBuffer();
            for (int c = 0, from = 0; from < n; c++, from += CHUNK) {
                int length = Math.min(CHUNK, n - from);
                w.get(from, weights, 0, length);
                g.get(from, gradients, 0, length);
                chunk(weights, gradients, state[0][c], state[1][c], length, rate);
                w.put(from, weights, 0, length);
                if (cleared != null) {
                    cleared.put(from, ZEROS, 0, length);
                }
            }
        }
    }

    /** One chunk, every array indexed alike so that the loop is vectorised (in the kernel too: {@link BoundedLoops}). */
    @BoundedLoops
    private void chunk(float[] w, float[] g, float[] m, float[] v, int length, float rate) {
        for (int i = 0; i < length; i++) {
            float gi = g[i];
            float mi = beta1 * m[i] + (1 - beta1) * gi;
            float vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[i] -= rate * mi / ((float) Math.sqrt(vi) + epsilon);
        }
    }

    private static float[][][] newMoments(NDArray weight) {
        int n = Math.toIntExact(weight.size());
        return new float[][][] {chunks(n), chunks(n)};
    }

    private static float[][] chunks(int n) {
        float[][] pieces = new float[(n + CHUNK - 1) / CHUNK][];
        for (int c = 0; c < pieces.length; c++) {
            pieces[c] = new float[Math.min(CHUNK, n - c * CHUNK)];
        }
        return pieces;
    }

    private static int length(float[][] pieces) {
        return pieces.length == 0 ? 0 : (pieces.length - 1) * CHUNK + pieces[pieces.length - 1].length;
    }

    /** A non-empty float32 CPU weight and gradients of one size whose memory direct buffers reach. */
    private static boolean reachable(NDArray weight, NDArray grad, NDArray own) {
        for (NDArray a : new NDArray[] {weight, grad, own}) {
            if (a != null && !(a.getDevice().equals(Device.cpu()) && a.getDataType() == DataType.FLOAT32
                    && a.size() == weight.size() && !a.isSparse())) {
                return false;
            }
        }
        return weight.size() > 0 && ownMemory(weight) && ownMemory(grad) && (own == null || ownMemory(own));
    }

    /**
     * Whether {@code toByteBuffer(true)} is the array's memory and not a contiguous copy (DJL copies a
     * strided array): flips one bit of the first element through the buffer, reads the element back
     * through the engine, and puts the bit back.
     */
    private static boolean ownMemory(NDArray array) {
        ByteBuffer buffer = array.toByteBuffer(true);
        int bits = buffer.getInt(0);
        buffer.putInt(0, bits ^ 1);
        try (NDArray flat = array.flatten(); NDArray first = flat.get(0)) {
            return Float.floatToRawIntBits(first.getFloat()) == (bits ^ 1);
        } finally {
            buffer.putInt(0, bits);
        }
    }
}
