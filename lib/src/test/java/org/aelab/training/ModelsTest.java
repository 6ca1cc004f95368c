package org.aelab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class ModelsTest {

    /**
     * Linear(2) with every weight 0.5 and zero bias, so both units give sum(x) / 2; then two
     * outputs: that doubled (sum(x) in each of 2 columns) and its row sum (sum(x) in one column).
     */
    private static Model twoOutputModel(NDManager manager) {
        Model model = Model.newInstance("two outputs");
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(2).build())
                .add(new LambdaBlock(list -> new NDList(list.singletonOrThrow().mul(2),
                        list.singletonOrThrow().sum(new int[] {1}, true)), "two heads"));
        block.setInitializer(new ConstantInitializer(0.5f), Parameter.Type.WEIGHT);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
        model.setBlock(block);
        return model;
    }

    /** Row i is (i, i + 1, i + 2), whose sum is 3i + 3. */
    private static NDArray rows(NDManager manager, int count) {
        float[] values = new float[count * 3];
        for (int i = 0; i < count; i++) {
            values[3 * i] = i;
            values[3 * i + 1] = i + 1;
            values[3 * i + 2] = i + 2;
        }
        return manager.create(values, new Shape(count, 3));
    }

    @Test
    void forwardRunsInBatchesAndJoinsEveryOutput() {
        try (NDManager manager = NDManager.newBaseManager(); Model model = twoOutputModel(manager)) {
            NDArray inputs = rows(manager, 10);
            int before = manager.getManagedArrays().size();
            NDList outputs = Models.forward(model, inputs, 3);
            assertEquals(2, outputs.size());
            float[] doubled = new float[20];
            float[] sums = new float[10];
            for (int i = 0; i < 10; i++) {
                doubled[2 * i] = 3 * i + 3;
                doubled[2 * i + 1] = 3 * i + 3;
                sums[i] = 3 * i + 3;
            }
            assertEquals(new Shape(10, 2), outputs.get(0).getShape());
            assertArrayEquals(doubled, outputs.get(0).toFloatArray(), 1e-5f);
            assertEquals(new Shape(10, 1), outputs.get(1).getShape());
            assertArrayEquals(sums, outputs.get(1).toFloatArray(), 1e-5f);
            for (NDArray output : outputs) {
                assertSame(manager, output.getManager(), "results belong to the inputs' manager");
            }
            assertEquals(before + 2, manager.getManagedArrays().size(), "only the two results are new");
            assertArrayEquals(doubled, Models.forward(model, inputs).toFloatArray(), 1e-5f, "one batch of 1000");
            assertArrayEquals(doubled, Models.forward(model, inputs, 10).get(0).toFloatArray(), 1e-5f);
            assertArrayEquals(doubled, Models.forward(model, inputs, 1).get(0).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void forwardNeedsAnInitialisedBlockAndSensibleArguments() {
        try (NDManager manager = NDManager.newBaseManager(); Model model = Model.newInstance("fresh")) {
            NDArray inputs = rows(manager, 4);
            assertThrows(IllegalStateException.class, () -> Models.forward(model, inputs));
            model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(2).build()));
            String message = assertThrows(IllegalStateException.class, () -> Models.forward(model, inputs))
                    .getMessage();
            assertTrue(message.contains("not initialised") && message.contains("initialize"), message);
            try (Model ready = twoOutputModel(manager)) {
                assertThrows(IllegalArgumentException.class, () -> Models.forward(ready, inputs, 0));
                assertThrows(IllegalArgumentException.class,
                        () -> Models.forward(ready, manager.zeros(new Shape(0, 3))));
            }
        }
    }

    private static SequentialBlock stack(int... units) {
        SequentialBlock block = new SequentialBlock();
        for (int i = 0; i < units.length; i++) {
            block.add(Linear.builder().setUnits(units[i]).build());
            if (i < units.length - 1) {
                block.add(Activation.reluBlock());
            }
        }
        return block;
    }

    @Test
    void summaryOfTheChaptersAutoencoder() {
        Block autoencoder = new SequentialBlock().add(stack(256, 128, 20)).add(stack(128, 256, 784));
        try (NDManager manager = NDManager.newBaseManager()) {
            autoencoder.initialize(manager, DataType.FLOAT32, new Shape(1, 784));
            Table table = Models.summary(autoencoder, new Shape(1000, 784));
            assertEquals("Model summary", table.name());
            assertEquals(List.of("layer", "type", "output shape", "parameters"), table.columnNames());
            assertEquals(List.of("1/1", "1/2", "1/3", "1/4", "1/5", "2/1", "2/2", "2/3", "2/4", "2/5", "total"),
                    table.stringColumn("layer").asList());
            assertEquals(List.of("Linear", "ReLU", "Linear", "ReLU", "Linear", "Linear", "ReLU", "Linear", "ReLU",
                    "Linear", ""), table.stringColumn("type").asList());
            assertEquals(List.of("(1000, 256)", "(1000, 256)", "(1000, 128)", "(1000, 128)", "(1000, 20)",
                    "(1000, 128)", "(1000, 128)", "(1000, 256)", "(1000, 256)", "(1000, 784)", "(1000, 784)"),
                    table.stringColumn("output shape").asList());
            // Weights plus biases: 784*256+256, 256*128+128, 128*20+20, then the mirror image.
            long[] expected = {200_960, 0, 32_896, 0, 2_580, 2_688, 0, 33_024, 0, 201_488, 473_636};
            for (int row = 0; row < expected.length; row++) {
                assertEquals(expected[row], table.longColumn("parameters").get(row), "row " + row);
            }
            assertEquals(784L * 256 + 256 + 256 * 128 + 128 + 128 * 20 + 20 + 20 * 128 + 128 + 128 * 256 + 256
                    + 256 * 784 + 784, 473_636L);
        }
    }

    @Test
    void summaryNamesUnnamedLambdasByClassAndShowsALoneLayer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(Activation::relu);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 6));
            Table table = Models.summary(block, new Shape(32, 6));
            assertEquals(List.of("Linear", "LambdaBlock", ""), table.stringColumn("type").asList());
            assertEquals("(32, 4)", table.stringColumn("output shape").get(1));
            assertEquals(28L, table.longColumn("parameters").get(2));

            Block single = Linear.builder().setUnits(3).build();
            single.initialize(manager, DataType.FLOAT32, new Shape(1, 5));
            Table one = Models.summary(single, new Shape(1, 5));
            assertEquals(List.of("1", "total"), one.stringColumn("layer").asList());
            assertEquals(18L, one.longColumn("parameters").get(0));
        }
    }

    @Test
    void summaryRejectsUninitialisedBlocksAndWrongInputShapes() {
        Block fresh = stack(8, 2);
        String message = assertThrows(IllegalStateException.class, () -> Models.summary(fresh, new Shape(1, 4)))
                .getMessage();
        assertTrue(message.contains("not initialised"), message);
        try (NDManager manager = NDManager.newBaseManager()) {
            fresh.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            String shape = assertThrows(IllegalArgumentException.class, () -> Models.summary(fresh, new Shape(1, 5)))
                    .getMessage();
            assertTrue(shape.contains("(1, 4)") && shape.contains("(1, 5)"), shape);
        }
    }
}
