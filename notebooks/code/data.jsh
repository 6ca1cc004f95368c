// The data cell of notebook 02 ("The data"): Fashion-MNIST as the knobs cell chose it, on the engine.
// Loaded by notebooks 03, 04 and 05 with %load code/data.jsh; needs the knobs seed and trainLimit.

ImageSet train = FashionMnist.train().shuffled(seed).limit(trainLimit);
ImageSet test = FashionMnist.test();
NDManager manager = NDManager.newBaseManager();
NDArray trainImages = train.toNDArray(manager);     // (n, 784)
NDArray testImages = test.toNDArray(manager);       // (10000, 784)
