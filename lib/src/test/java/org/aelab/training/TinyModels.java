package org.aelab.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/** A small autoencoder and low-rank data it can learn in a few epochs. */
final class TinyModels {

    static final int FEATURES = 12;

    private TinyModels() {
    }

    static Model autoencoder() {
        Model model = Model.newInstance("tiny");
        model.setBlock(new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(3).build())
                .add(Linear.builder().setUnits(16).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(FEATURES).build()));
        return model;
    }

    /** {@code samples} points on a random 3-dimensional subspace of R^12, fixed by {@code seed}. */
    static NDArray data(NDManager manager, int samples, long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[] basis = new float[3 * FEATURES];
        for (int i = 0; i < basis.length; i++) {
            basis[i] = (float) random.nextGaussian();
        }
        float[] codes = new float[samples * 3];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (float) random.nextGaussian();
        }
        NDArray b = manager.create(basis, new Shape(3, FEATURES));
        NDArray c = manager.create(codes, new Shape(samples, 3));
        return c.matMul(b);
    }

    /** Every parameter value of {@code block}, in the block's parameter order: a snapshot to compare. */
    static float[] parameterValues(Block block) {
        java.util.List<Float> values = new java.util.ArrayList<>();
        for (Parameter p : block.getParameters().values()) {
            for (float v : p.getArray().toFloatArray()) {
                values.add(v);
            }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
