// addHidden and the autoencoder factory of notebook 03 ("One model, three ways to train it"): notebook
// 02's architecture with optional dropout after every hidden ReLU. Loaded by notebook 05, whose
// autoencoders reuse 02's and 03's checkpoints: the same code gives the same checkpoint key.
// Needs dense() (code/dense.jsh) and the knobs codeSize, seed and batchSize.

import ai.djl.nn.norm.Dropout;

void addHidden(SequentialBlock block, int fanIn, int units, double dropoutRate) {
    block.add(dense(fanIn, units)).add(Activation.reluBlock());
    if (dropoutRate > 0) block.add(Dropout.builder().optRate((float) dropoutRate).build());
}

Model autoencoder(String name, double dropoutRate) {
    SequentialBlock encoder = new SequentialBlock();
    addHidden(encoder, 784, 256, dropoutRate);
    addHidden(encoder, 256, 128, dropoutRate);
    encoder.add(dense(128, codeSize));                                   // z: no activation, no dropout
    SequentialBlock decoder = new SequentialBlock();
    addHidden(decoder, codeSize, 128, dropoutRate);
    addHidden(decoder, 128, 256, dropoutRate);
    decoder.add(dense(256, 784));                                        // the logits ℓ
    Model model = Model.newInstance(name);
    model.setBlock(new SequentialBlock().add(encoder).add(decoder));
    ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
    model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(batchSize, 784));
    return model;
}

