// dense(fanIn, units) of notebook 02 ("The encoder"): a Linear layer with PyTorch's default
// initialisation U(-1/sqrt(fan-in), 1/sqrt(fan-in)). Loaded by notebooks 03, 04 and 05.

import ai.djl.training.initializer.UniformInitializer;

Linear dense(int fanIn, int units) {
    float bound = (float) (1 / Math.sqrt(fanIn));
    Linear layer = Linear.builder().setUnits(units).build();
    layer.setInitializer(new UniformInitializer(bound), Parameter.Type.WEIGHT);
    layer.setInitializer(new UniformInitializer(bound), Parameter.Type.BIAS);
    return layer;
}

