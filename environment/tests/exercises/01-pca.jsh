// ---- 01.1 | off by one ----
Integer components90 = IntStream.range(0, 784).filter(i -> kept[i] >= 0.90).findFirst().getAsInt();

// ---- 01.2 | mean over pixels ----
Double sse100 = Metrics.ssePerImage(reconstruct(testImages, 100), testImages) / 784;

// ---- 01.3 | the variance the 20 components keep ----
Double trainSse20 = Arrays.stream(eigenvalues).limit(20).sum();

// ---- 01.4 | all the training images ----
Double sse200 = Metrics.ssePerImage(reconstruct(testImages, 20), testImages);
