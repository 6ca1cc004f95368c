// Worked solutions of the "Try it" exercises of notebooks/01-pca.ipynb. Each section is the answer
// cell of its exercise, filled in; it uses what the notebook's cells above have defined. The site
// shows each below its exercise, folded; environment/tests/test_exercises.py runs them all.

// ---- 01.1 ----
// kept[k - 1] is the fraction the first k components keep; the first k that reaches 90%:
Integer components90 = IntStream.range(0, 784).filter(i -> kept[i] >= 0.90).findFirst().getAsInt() + 1;

// ---- 01.2 ----
// The notebook's own reconstruct and metric, with 100 components; the reconstructions are not clipped.
Double sse100 = Metrics.ssePerImage(reconstruct(testImages, 100), testImages);

// ---- 01.3 ----
// A centred image x − μ = Σ_j c_j v_j; its projection keeps the terms j ≤ k, so its squared error is
// Σ_{j>k} c_j². Averaged over the n images, E[c_j²] = v_jᵀ (X − 1μᵀ)ᵀ(X − 1μᵀ) v_j / n = λ_j (n − 1)/n.
long n = trainImages.getShape().get(0);
Double trainSse20 = Arrays.stream(eigenvalues).skip(20).sum() * (n - 1) / n;

// ---- 01.4 ----
// The notebook's own steps on the first 200 images: their mean, their covariance, its eigenvectors;
// then the test images reconstructed with 20 of those components, not clipped.
NDArray few = trainImages.get(":200");
NDArray fewMean = few.mean(new int[] {0});
NDArray fewBasis = SymmetricEigen.of(Pca.covariance(few, fewMean)).eigenvectors(manager)
        .toType(DataType.FLOAT32, false).get(":, :20");
Double sse200 = Metrics.ssePerImage(
        testImages.sub(fewMean).matMul(fewBasis).matMul(fewBasis.transpose()).add(fewMean), testImages);
