package org.aelab.agent;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Every DJL operation that takes a Java number, found by reflection, differentiated twice: once with nothing in
 * between, once with a garbage collection and fresh direct-buffer allocations (filled with 1e30) between the
 * forward and the backward pass. The two gradients must be the same to the last bit. Covered: every public
 * {@link NDArray} method with a {@link Number} parameter (in-place ones too), every {@link NDArrays} static with
 * one, and every {@link Loss} factory (DJL's losses and weight decays, which call them).
 *
 * <p>A DJL upgrade that adds such a method is swept without a change here. {@code main} prints the table and
 * exits with the number of operations whose gradient changed, so it can run in a JVM without the agent too.
 */
final class ScalarGradientSweep {

    /** One operation's outcome: {@code skipped} is null when it was differentiated. */
    record Outcome(String operation, int tries, int wrong, String skipped) {
        boolean checked() {
            return skipped == null;
        }
    }

    private static final Shape SHAPE = new Shape(8, 4);

    private ScalarGradientSweep() {
    }

    /** The operations taking a number, each differentiated {@code tries} times after a collection. */
    static List<Outcome> run(int tries) {
        List<Method> methods = new ArrayList<>();
        for (Method m : NDArray.class.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) && takesNumber(m) && NDArray.class.isAssignableFrom(m.getReturnType())) {
                methods.add(m);
            }
        }
        for (Method m : NDArrays.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && takesNumber(m) && NDArray.class.isAssignableFrom(m.getReturnType())) {
                methods.add(m);
            }
        }
        for (Method m : Loss.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && Loss.class.isAssignableFrom(m.getReturnType())) {
                methods.add(m);
            }
        }
        methods.sort(Comparator.comparing(ScalarGradientSweep::describe));
        List<Outcome> outcomes = new ArrayList<>();
        for (Method m : methods) {
            outcomes.add(sweep(m, tries));
        }
        return outcomes;
    }

    static String describe(Method m) {
        StringBuilder s = new StringBuilder(m.getDeclaringClass().getSimpleName()).append('.').append(m.getName()).append('(');
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            s.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return s.append(')').toString();
    }

    private static boolean takesNumber(Method m) {
        return Arrays.asList(m.getParameterTypes()).contains(Number.class);
    }

    private static Outcome sweep(Method m, int tries) {
        String name = describe(m);
        float[] reference;
        try {
            reference = gradient(m, false);
        } catch (Exception | Error e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Outcome(name, 0, 0, "not applicable: " + cause.getClass().getSimpleName());
        }
        if (reference == null) {
            return new Outcome(name, 0, 0, "not differentiable (no gradient reaches x)");
        }
        int wrong = 0;
        for (int i = 0; i < tries; i++) {
            float[] again;
            try {
                again = gradient(m, true);
            } catch (Exception | Error e) {
                again = null;
            }
            if (again == null || !Arrays.equals(reference, again)) {
                wrong++;
            }
        }
        return new Outcome(name, tries, wrong, null);
    }

    /** d(sum of the operation's result)/dx, or null when the result does not depend on x differentiably. */
    private static float[] gradient(Method m, boolean collectBeforeBackward) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            NDArray x = manager.randomUniform(0.5f, 1.5f, SHAPE);
            NDArray label = manager.randomUniform(0.1f, 0.9f, SHAPE);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                // z: x through an array-array product, so that in-place operations act on a non-leaf.
                NDArray z = x.mul(manager.ones(SHAPE));
                NDArray out = apply(m, z, label);
                if (out == null || out.getDataType() != DataType.FLOAT32) {
                    return null;    // comparisons and the like: nothing to differentiate
                }
                NDArray loss = out.sum();
                if (collectBeforeBackward) {
                    collectAndScribble();
                }
                try {
                    collector.backward(loss);
                } catch (RuntimeException e) {
                    if (collectBeforeBackward) {
                        throw e;
                    }
                    return null;    // the engine says no gradient reaches x
                }
            }
            NDArray gradient = x.getGradient();
            return gradient.toFloatArray();
        }
    }

    private static NDArray apply(Method m, NDArray z, NDArray label) throws Exception {
        if (Loss.class.isAssignableFrom(m.getReturnType())) {
            Loss loss = (Loss) m.invoke(null, arguments(m, z, label));
            return loss.evaluate(new NDList(label), new NDList(z));
        }
        Object target = Modifier.isStatic(m.getModifiers()) ? null : z;
        Object result = m.invoke(target, arguments(m, z, label));
        return (NDArray) result;
    }

    /** Plausible arguments: numbers 0.3 then 0.8 (so clip(min, max) is a real range), z for arrays. */
    private static Object[] arguments(Method m, NDArray z, NDArray label) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        float[] numbers = {0.3f, 0.8f, 0.5f};
        int number = 0;
        boolean arraySeen = false;
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == Number.class) {
                args[i] = numbers[Math.min(number++, numbers.length - 1)];
            } else if (t == NDArray.class) {
                args[i] = arraySeen ? label : z;
                arraySeen = true;
            } else if (t == NDList.class) {
                args[i] = new NDList(z);
            } else if (t == float.class || t == Float.class) {
                args[i] = 0.5f;
            } else if (t == double.class) {
                args[i] = 0.5;
            } else if (t == int.class) {
                args[i] = 1;
            } else if (t == long.class) {
                args[i] = 1L;
            } else if (t == boolean.class) {
                args[i] = false;
            } else if (t == int[].class) {
                args[i] = new int[] {1};
            } else if (t == String.class) {
                args[i] = "loss";
            } else {
                throw new IllegalArgumentException("no sample value for a parameter of type " + t.getName());
            }
        }
        return args;
    }

    /** What a training loop does between forward and backward, at its worst. */
    private static void collectAndScribble() {
        System.gc();
        for (int i = 0; i < 200; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 8));
            while (b.remaining() >= 4) {
                b.putFloat(1e30f);
            }
        }
    }

    public static void main(String[] args) {
        int tries = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        if (args.length > 1 && args[1].equals("install")) {
            EngineAgent.install();
        }
        List<Outcome> outcomes = run(tries);
        int wrong = 0;
        int checked = 0;
        for (Outcome o : outcomes) {
            if (o.checked()) {
                checked++;
                wrong += o.wrong() > 0 ? 1 : 0;
                System.out.printf("%-60s %d of %d gradients changed%n", o.operation(), o.wrong(), o.tries());
            } else {
                System.out.printf("%-60s %s%n", o.operation(), o.skipped());
            }
        }
        System.out.printf("swept %d operations, differentiated %d: %d gave a different gradient after a collection"
                + " (engine agent: %s)%n", outcomes.size(), checked, wrong, EngineAgent.status());
        System.exit(Math.min(wrong, 100));
    }
}
