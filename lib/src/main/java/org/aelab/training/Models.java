package org.aelab.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import org.aelab.agent.EngineAgent;

/**
 * Small helpers around a trained DJL model: run it on a whole test set, and describe its layers.
 *
 * <pre>{@code
 * NDArray reconstructions = Models.forward(model, testImages);   // (10000, 784), in batches of 1000
 * Models.summary(model.getBlock(), new Shape(1, 784));           // a table: layer, type, output shape, parameters
 * }</pre>
 */
public final class Models {

    static {
        // An entry point of the helper jar: DJL code in this JVM gets correct gradients from here on
        // (org.aelab.agent.EngineAgent; a no-op where the kernel loaded the agent at start-up).
        EngineAgent.install();
    }

    /** The batch size of {@link #forward(Model, NDArray)}. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    private Models() {
    }

    /**
     * Runs the model's block in inference mode ({@code training = false}) on {@code inputs} and
     * returns its first output. Equivalent to {@code forward(model, inputs, 1000).get(0)}.
     *
     * @see #forward(Model, NDArray, int)
     */
    public static NDArray forward(Model model, NDArray inputs) {
        return forward(model, inputs, DEFAULT_BATCH_SIZE).get(0);
    }

    /**
     * Runs the model's block in inference mode ({@code training = false}) on {@code inputs}, which
     * hold one example per row of axis 0, {@code batchSize} examples at a time so that the
     * activations of a whole test set never have to fit in memory at once. Each of the block's
     * outputs (an encoder-decoder may return several) is concatenated over the batches along axis
     * 0, so every output must have the examples on axis 0.
     *
     * <p>The returned arrays belong to {@code inputs.getManager()}; the per-batch arrays are closed
     * before this method returns. No gradients are recorded unless this is called inside a
     * {@code GradientCollector}, which it should not be.
     *
     * @return the block's outputs for all of {@code inputs}, in the block's output order
     * @throws IllegalStateException    if the model has no block or its block is not initialised
     *                                  (train it, or call {@code block.initialize(...)}, first)
     * @throws IllegalArgumentException if {@code batchSize} is not positive or {@code inputs} holds
     *                                  no examples
     */
    public static NDList forward(Model model, NDArray inputs, int batchSize) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(inputs, "inputs");
        Block block = model.getBlock();
        if (block == null) {
            throw new IllegalStateException("model " + model.getName() + " has no block; call model.setBlock(...)");
        }
        requireInitialized(block, "forward");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        Shape shape = inputs.getShape();
        if (shape.dimension() == 0 || shape.get(0) == 0) {
            throw new IllegalArgumentException("inputs have shape " + shape
                    + "; expected a non-empty batch with the examples on axis 0, for example (n, 784)");
        }
        long count = shape.get(0);
        NDManager owner = inputs.getManager();
        try (NDManager scope = owner.newSubManager()) {
            ParameterStore parameters = new ParameterStore(scope, false);
            List<NDList> batches = new ArrayList<>();
            for (long start = 0; start < count; start += batchSize) {
                long end = Math.min(count, start + batchSize);
                NDArray batch = inputs.get(new NDIndex("{}:{}", start, end));
                // Outputs of an operation belong to its first operand's manager, so the batch's
                // activations land in the scope and are closed with it.
                batch.attach(scope);
                NDList outputs = block.forward(parameters, new NDList(batch), false);
                if (!batches.isEmpty() && outputs.size() != batches.get(0).size()) {
                    throw new IllegalStateException("the block returned " + outputs.size() + " outputs for one"
                            + " batch but " + batches.get(0).size() + " for another");
                }
                outputs.attach(scope);
                batches.add(outputs);
            }
            NDList result = new NDList(batches.get(0).size());
            for (int k = 0; k < batches.get(0).size(); k++) {
                NDList pieces = new NDList(batches.size());
                for (NDList outputs : batches) {
                    pieces.add(outputs.get(k));
                }
                NDArray joined = pieces.size() == 1 ? pieces.get(0) : NDArrays.concat(pieces, 0);
                result.add(joined);
            }
            // Moved out of the scope before it closes everything else.
            result.attach(owner);
            return result;
        }
    }

    /**
     * A table of the block's layers, one row per layer in the order data flows through them:
     * "layer" (its position, "2/3" for the third layer of the second block of a
     * {@link SequentialBlock}), "type" (its class, or the name of a named {@link LambdaBlock} such
     * as {@code Activation.reluBlock()}'s "ReLU"), "output shape" (for a batch of
     * {@code inputShape.get(0)} examples) and "parameters"; a last row "total" gives the number of
     * parameters of the whole block.
     *
     * <p>Nested {@link SequentialBlock}s are opened up, so an encoder and a decoder show their
     * layers; any other block with children (a parallel block, a residual block) is one row.
     *
     * <p>The block must be initialised, as it is after training or after
     * {@code block.initialize(manager, DataType.FLOAT32, inputShape)}: parameter counts are read
     * from the parameters themselves. The table is only a description; the block is not changed.
     *
     * @param inputShape the shape of one input batch, for example (1, 784)
     * @throws IllegalStateException    if the block is not initialised
     * @throws IllegalArgumentException if {@code inputShape} disagrees with the input shape the block
     *                                  was initialised with (apart from the batch size)
     */
    public static Table summary(Block block, Shape inputShape) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(inputShape, "inputShape");
        requireInitialized(block, "summary");
        Shape[] initialized = block.getInputShapes();
        if (initialized != null && initialized.length == 1 && !sameExceptBatch(initialized[0], inputShape)) {
            throw new IllegalArgumentException("the block was initialised for inputs of shape " + initialized[0]
                    + " but the summary was asked for " + inputShape + "; only the batch size (first axis) may"
                    + " differ");
        }
        StringColumn layers = StringColumn.create("layer");
        StringColumn types = StringColumn.create("type");
        StringColumn outputs = StringColumn.create("output shape");
        LongColumn counts = LongColumn.create("parameters");
        Shape[] output = describe(block, "", new Shape[] {inputShape}, layers, types, outputs, counts);
        layers.append("total");
        types.append("");
        outputs.append(format(output));
        counts.append(parameterCount(block));
        return Table.create("Model summary", layers, types, outputs, counts);
    }

    /** Adds the rows of {@code block} and returns its output shapes for {@code inputs}. */
    private static Shape[] describe(Block block, String path, Shape[] inputs, StringColumn layers,
            StringColumn types, StringColumn outputs, LongColumn counts) {
        if (block instanceof SequentialBlock && !block.getChildren().isEmpty()) {
            Shape[] shapes = inputs;
            int position = 1;
            for (Pair<String, Block> child : block.getChildren()) {
                String childPath = path.isEmpty() ? String.valueOf(position) : path + "/" + position;
                shapes = describe(child.getValue(), childPath, shapes, layers, types, outputs, counts);
                position++;
            }
            return shapes;
        }
        Shape[] shapes = block.getOutputShapes(inputs);
        layers.append(path.isEmpty() ? "1" : path);
        types.append(typeName(block));
        outputs.append(format(shapes));
        counts.append(parameterCount(block));
        return shapes;
    }

    private static String typeName(Block block) {
        if (block instanceof LambdaBlock) {
            String name = ((LambdaBlock) block).getName();
            if (name != null && !name.isBlank() && !name.equals(LambdaBlock.DEFAULT_NAME)) {
                return name;
            }
        }
        return block.getClass().getSimpleName();
    }

    /** All parameters of the block and its children. */
    private static long parameterCount(Block block) {
        long total = 0;
        for (Parameter parameter : block.getParameters().values()) {
            total += parameter.getArray().size();
        }
        return total;
    }

    private static String format(Shape[] shapes) {
        return Arrays.stream(shapes).map(Shape::toString).collect(Collectors.joining(", "));
    }

    private static boolean sameExceptBatch(Shape a, Shape b) {
        if (a.dimension() != b.dimension() || a.dimension() == 0) {
            return a.equals(b);
        }
        return a.slice(1).equals(b.slice(1));
    }

    private static void requireInitialized(Block block, String what) {
        if (!block.isInitialized()) {
            throw new IllegalStateException("the block is not initialised, so it has no weights to " + what
                    + " with; train it with Fit, or call block.initialize(manager, DataType.FLOAT32, inputShape)"
                    + " first");
        }
    }
}
