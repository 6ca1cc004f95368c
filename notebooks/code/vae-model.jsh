// Notebook 04's VAE, built and initialised with the seed, and its table of layers ("The model").
// Loaded by notebook 05; needs code/vae.jsh and the knobs codeSize, seed and batchSize.

VariationalAutoencoder vae = new VariationalAutoencoder(codeSize);
Model model = Model.newInstance("vae");
model.setBlock(vae);
ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
vae.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(batchSize, 784));

Table layers = Table.create("VAE (" + codeSize + "-d)", StringColumn.create("layer"),
        StringColumn.create("maps"), LongColumn.create("parameters"));
for (var child : vae.getChildren()) {
    Shape weight = child.getValue().getParameters().get("weight").getArray().getShape();   // (out, in)
    layers.stringColumn("layer").append(child.getKey().replaceFirst("^\\d+", ""));
    layers.stringColumn("maps").append(weight.get(1) + " → " + weight.get(0));
    layers.longColumn("parameters").append(child.getValue().getParameters().values().stream()
            .mapToLong(p -> p.getArray().size()).sum());
}
layers.stringColumn("layer").append("total");
layers.stringColumn("maps").append("784 → (ℓ, μ, log σ²)");
layers.longColumn("parameters").append((long) layers.longColumn("parameters").sum());
