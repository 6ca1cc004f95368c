// The reparameterised sampling and the VAE block of notebook 04 ("The sampling step", "The VAE as
// one DJL block"). Loaded by notebook 05, which reuses 04's checkpoint. Needs dense() (code/dense.jsh).

NDArray sampling(NDArray mu, NDArray logVariance) {
    NDArray epsilon = mu.getManager().randomNormal(mu.getShape());     // ε ~ N(0, I)
    NDArray sigma = logVariance.mul(0.5f).exp();                       // σ = exp(½ log σ²)
    return mu.add(sigma.mul(epsilon));                                 // z = μ + σ ⊙ ε
}

import ai.djl.util.PairList;

class VariationalAutoencoder extends AbstractBlock {
    final int codeSize;
    final Linear fc1, fc2, fc3, fc4, fc5;

    VariationalAutoencoder(int codeSize) {
        this.codeSize = codeSize;
        fc1 = addChildBlock("fc1", dense(784, 128));          // encoder, then ReLU
        fc2 = addChildBlock("fc2", dense(128, codeSize));     // → μ
        fc3 = addChildBlock("fc3", dense(128, codeSize));     // → log σ²
        fc4 = addChildBlock("fc4", dense(codeSize, 128));     // decoder, then ReLU
        fc5 = addChildBlock("fc5", dense(128, 784));          // → logits ℓ
    }

    /** μ and log σ² of q(z|x). */
    NDList encode(ParameterStore store, NDArray x, boolean training) {
        NDArray h = Activation.relu(fc1.forward(store, new NDList(x), training).head());
        return new NDList(fc2.forward(store, new NDList(h), training).head(),
                          fc3.forward(store, new NDList(h), training).head());
    }

    /** The logits ℓ of p(x|z). */
    NDArray decode(ParameterStore store, NDArray z, boolean training) {
        NDArray h = Activation.relu(fc4.forward(store, new NDList(z), training).head());
        return fc5.forward(store, new NDList(h), training).head();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList code = encode(store, inputs.head(), training);
        NDArray z = sampling(code.get(0), code.get(1));
        return new NDList(decode(store, z, training), code.get(0), code.get(1));   // ℓ, μ, log σ²
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        long batch = inputs[0].get(0);
        return new Shape[] {new Shape(batch, 784), new Shape(batch, codeSize), new Shape(batch, codeSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType type, Shape... inputs) {
        long batch = inputs[0].get(0);
        fc1.initialize(manager, type, inputs[0]);
        fc2.initialize(manager, type, new Shape(batch, 128));
        fc3.initialize(manager, type, new Shape(batch, 128));
        fc4.initialize(manager, type, new Shape(batch, codeSize));
        fc5.initialize(manager, type, new Shape(batch, 128));
    }
}
