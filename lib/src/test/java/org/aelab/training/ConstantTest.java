package org.aelab.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

class ConstantTest {

    /**
     * Gradients through a constant, each after a garbage collection and a thousand fresh buffers
     * between the forward and the backward pass: the conditions in which DJL's {@code mul(0.5f)}
     * returned a wrong gradient in 30 of 30 tries on the development machine.
     */
    private static void assertGradientSurvivesCollection(UnaryOperator<NDArray> f, float expected) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.full(new Shape(4), 3f);
            x.setRequiresGradient(true);
            for (int trial = 0; trial < 10; trial++) {
                try (NDManager batch = manager.newSubManager();
                     GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                    NDArray y = f.apply(x);
                    System.gc();
                    for (int i = 0; i < 1000; i++) {
                        batch.create(new float[] {1e9f});
                    }
                    tape.backward(y.sum());
                }
                NDArray gradient = x.getGradient();
                assertEquals(expected, gradient.getFloat(0), 1e-6, "trial " + trial);
                gradient.subi(gradient);
            }
        }
    }

    @Test
    void productWithAConstantHasTheRightGradientAfterGarbageCollection() {
        assertGradientSurvivesCollection(x -> x.mul(Constant.of(x, 0.5f)), 0.5f);
        assertGradientSurvivesCollection(x -> x.mul(Constant.of(x, -0.5f)), -0.5f);
    }

    @Test
    void quotientAndPowerWithAConstantHaveTheRightGradient() {
        assertGradientSurvivesCollection(x -> x.div(Constant.of(x, 2f)), 0.5f);
        assertGradientSurvivesCollection(x -> x.pow(Constant.of(x, 2f)), 6f);
    }

    @Test
    void constantIsAScalarOfTheSameTypeAndManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray like = manager.zeros(new Shape(2, 3), DataType.FLOAT64);
            NDArray half = Constant.of(like, 0.5f);
            assertEquals(new Shape(), half.getShape());
            assertEquals(DataType.FLOAT64, half.getDataType());
            assertEquals(manager, half.getManager());
            assertEquals(0.5, half.getDouble(), 0);
        }
    }
}
