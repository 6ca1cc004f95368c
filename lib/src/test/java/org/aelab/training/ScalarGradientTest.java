package org.aelab.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.aelab.agent.EngineAgent;
import org.junit.jupiter.api.Test;

/**
 * Code a reader writes, in a JVM that uses the helper jar (this test's, started without {@code -javaagent}):
 * the jar's entry points install the engine agent, and DJL's scalar operations and {@code Loss.l2Loss()} then
 * keep their gradients when the garbage collector runs between forward and backward. Without the agent these
 * fail nearly every time (docs/djl-scalar-gradients.md; agent/'s EngineAgentIT shows it).
 */
class ScalarGradientTest {

    /** Uses the helper jar as a notebook's first cells do: its classes initialise, and install the agent. */
    private static void useTheHelperJar() {
        try {
            Class.forName("org.aelab.training.Models");
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theHelperJarsEntryPointsInstallTheAgent() {
        useTheHelperJar();
        assertNotNull(EngineAgent.status(), "initialising org.aelab.training.Models installs the engine agent");
    }

    @Test
    void scaledSumsHaveTheirExactGradientAfterACollection() {
        useTheHelperJar();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int i = 0; i < 40; i++) {
                NDArray x = manager.randomNormal(new Shape(64, 64));
                x.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray y = x.mul(0.5f).add(x.div(4f)).add(x.pow(2f).mul(0.1f)).sum();
                    collectAndScribble();
                    collector.backward(y);
                }
                NDArray expected = x.mul(0.2f).add(0.75f);      // d/dx of x/2 + x/4 + x²/10
                assertEquals(true, x.getGradient().allClose(expected, 1e-5, 1e-5, false), "try " + i);
            }
        }
    }

    @Test
    void djlsL2LossGradientDoesNotDependOnTheCollector() {
        useTheHelperJar();
        float[] reference = l2Gradient(false);
        for (int i = 0; i < 20; i++) {
            assertEquals(Arrays.toString(reference), Arrays.toString(l2Gradient(true)), "try " + i);
        }
    }

    private static float[] l2Gradient(boolean collect) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray prediction = manager.randomNormal(new Shape(16, 8));
            NDArray label = manager.randomNormal(new Shape(16, 8));
            prediction.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = Loss.l2Loss().evaluate(new NDList(label), new NDList(prediction));
                if (collect) {
                    collectAndScribble();
                }
                collector.backward(loss);
            }
            return prediction.getGradient().toFloatArray();
        }
    }

    /** A collection, then fresh direct buffers over whatever it freed, as a training loop allocates. */
    private static void collectAndScribble() {
        System.gc();
        for (int i = 0; i < 100; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 6));
            while (b.remaining() >= 4) {
                b.putFloat(1e30f);
            }
        }
    }
}
