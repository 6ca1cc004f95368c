import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

public class GpuCheck {
    public static void main(String[] args) {
        Engine engine = Engine.getInstance();
        System.out.println("engine " + engine.getEngineName() + " " + engine.getVersion()
                + ", GPUs " + engine.getGpuCount() + ", default device " + engine.defaultDevice());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomUniform(0f, 1f, new Shape(4096, 4096));
            NDArray b = manager.randomUniform(0f, 1f, new Shape(4096, 4096));
            System.out.println("arrays on " + a.getDevice());
            for (int i = 0; i < 3; i++) a.matMul(b).getFloat(0, 0);
            int reps = 20;
            long start = System.nanoTime();
            for (int i = 0; i < reps - 1; i++) a.matMul(b).close();
            float check = a.matMul(b).getFloat(0, 0);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("fp32 4096^3 product: %.0f GFLOP/s (element %.3f)%n",
                    2.0 * 4096 * 4096 * 4096 * reps / seconds / 1e9, check);
            float expected = a.get("0,:").mul(b.get(":,0")).sum().getFloat();
            System.out.printf("element (0,0) against a dot product: %.4f vs %.4f%n", check, expected);
        }
    }
}
