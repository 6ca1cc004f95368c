/*
 * Preloaded into the kernel (see install-kernel.sh) so that Intel oneMKL, which the PyTorch build
 * loaded by DJL links in for its matrix products, picks its code path by what the CPU can do
 * rather than by who made it.
 *
 * oneMKL asks this function whether the CPU is a genuine Intel one and, when it is not, runs its
 * AVX2 kernels even on CPUs that have AVX-512. On the project's 2-core AMD EPYC (AVX-512) a
 * single-precision product of the autoencoder's shapes ran at 87 GFLOP/s on one core, and at
 * 184-205 GFLOP/s with this definition (docs/benchmarks.md). oneMKL still reads the CPU's feature
 * flags to choose the instructions, so a CPU without AVX-512 keeps its AVX2 kernels; on an Intel
 * CPU the answer is the one oneMKL would have found itself.
 *
 * Built without the C library (it calls nothing): cc -shared -fPIC -nostdlib.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
