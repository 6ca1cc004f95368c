import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * How exact the engine's fp32 arithmetic is on this machine, against float64 computed in Java: a
 * 512x784 by 784x256 product and the transposed product of a weight gradient (as a dense layer of
 * notebook 02 computes them), and 2^20 normal values (sd 4) through exp, softplus, sigmoid and sqrt.
 * Run it as the kernel runs, with and without the oneMKL shim (docs/benchmarks.md, "Repeatability"):
 *
 *   LD_PRELOAD=environment/kernel/target/native/libmkl_any_vendor.so \
 *     java -Dai.djl.offline=true -cp "lib/target/classpath/*" bench/Fp32Accuracy.java
 *   LD_PRELOAD= java -Dai.djl.offline=true -cp "lib/target/classpath/*" bench/Fp32Accuracy.java
 */
public class Fp32Accuracy {
    static void report(String name, float[] got, double[] want) {
        double maxUlp = 0, sumUlp = 0;
        for (int i = 0; i < got.length; i++) {
            double ulp = Math.ulp((float) want[i]);
            double e = Math.abs(got[i] - want[i]) / ulp;
            if (Double.isFinite(e)) { maxUlp = Math.max(maxUlp, e); sumUlp += e; }
        }
        System.out.printf("%-10s max %8.2f ulp, mean %.3f ulp%n", name, maxUlp, sumUlp / got.length);
    }
    public static void main(String[] a) {
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(1);
            NDArray x = m.randomNormal(0f, 4f, new Shape(1 << 20), ai.djl.ndarray.types.DataType.FLOAT32);
            float[] xs = x.toFloatArray();
            double[] w = new double[xs.length];
            for (int i = 0; i < xs.length; i++) w[i] = Math.exp(xs[i]);
            report("exp", x.exp().toFloatArray(), w);
            for (int i = 0; i < xs.length; i++) w[i] = Math.log1p(Math.exp(xs[i]));
            report("softplus", Activation.softPlus(x).toFloatArray(), w);
            for (int i = 0; i < xs.length; i++) w[i] = 1 / (1 + Math.exp(-xs[i]));
            report("sigmoid", Activation.sigmoid(x).toFloatArray(), w);
            for (int i = 0; i < xs.length; i++) w[i] = Math.sqrt(Math.abs(xs[i]));
            report("sqrt", x.abs().sqrt().toFloatArray(), w);
            NDArray A = m.randomUniform(0f, 1f, new Shape(512, 784)), B = m.randomNormal(0f, 0.05f, new Shape(784, 256), ai.djl.ndarray.types.DataType.FLOAT32);
            float[] af = A.toFloatArray(), bf = B.toFloatArray();
            double[] c = new double[512 * 256];
            for (int i = 0; i < 512; i++) for (int k = 0; k < 784; k++) { double aik = af[i * 784 + k]; for (int j = 0; j < 256; j++) c[i * 256 + j] += aik * bf[k * 256 + j]; }
            float[] got = A.matMul(B).toFloatArray();
            double maxAbs = 0, sumAbs = 0; for (int i = 0; i < c.length; i++) { double e = Math.abs(got[i] - c[i]); maxAbs = Math.max(maxAbs, e); sumAbs += e; }
            System.out.printf("matmul     max abs err %.3g, mean %.3g%n", maxAbs, sumAbs / c.length);
            NDArray gT = m.randomNormal(0f, 1f, new Shape(512, 256), ai.djl.ndarray.types.DataType.FLOAT32);
            float[] gf = gT.toFloatArray();
            double[] d = new double[784 * 256];
            for (int k = 0; k < 784; k++) for (int i = 0; i < 512; i++) { double aik = af[i * 784 + k]; for (int j = 0; j < 256; j++) d[k * 256 + j] += aik * gf[i * 256 + j]; }
            got = A.transpose().matMul(gT).toFloatArray();
            maxAbs = 0; sumAbs = 0; for (int i = 0; i < d.length; i++) { double e = Math.abs(got[i] - d[i]); maxAbs = Math.max(maxAbs, e); sumAbs += e; }
            System.out.printf("matmul^T   max abs err %.3g, mean %.3g%n", maxAbs, sumAbs / d.length);
        }
    }
}
