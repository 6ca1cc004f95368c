package org.aelab.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.lang.instrument.Instrumentation;

import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * The engine agent: fixes, as DJL's classes load, two faults of DJL 0.36's PyTorch engine that every DJL
 * program has.
 * <ol>
 *   <li><b>Wrong gradients after a garbage collection</b> ({@link OwnedBufferAdvice}): any operation that
 *       combines an array with a Java number ({@code mul}, {@code div}, {@code pow}, {@code add},
 *       {@code clip}, the {@code NDArrays} statics, DJL's own losses) makes the number a tensor over a Java
 *       buffer that the collector may free while autograd still needs it. With the agent, such tensors own
 *       their memory. Always on.
 *   <li><b>Native memory of unreachable managers is never freed</b> ({@link NativeMemory}). On only when
 *       the agent is loaded at start-up ({@code -javaagent}), so that it sees every manager from the first.
 * </ol>
 *
 * <p>Three ways in, all idempotent (the system property {@value #STATUS_PROPERTY} says which one ran):
 * <ul>
 *   <li>{@code java -javaagent:agent/target/aelab-agent.jar ...}: both fixes; the {@code aelab-java}
 *       kernel starts this way;
 *   <li>{@link #install()} from running code: the gradient fix, by attaching to this JVM (retransforming
 *       DJL's classes if they are loaded already). The helper jar's entry points call it, so a program that
 *       uses {@code org.aelab} classes needs nothing more; a program that uses DJL alone calls
 *       {@code org.aelab.agent.EngineAgent.install()} once, before its first training step;
 *   <li>{@code agentmain}, for tools that attach agents by jar.
 * </ul>
 */
public final class EngineAgent {

    /** Set once the fixes are in place: {@code "startup"} (both fixes) or {@code "attached"} (gradients only). */
    public static final String STATUS_PROPERTY = "aelab.engine_agent";

    private EngineAgent() {
    }

    /** {@code -javaagent} entry point. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        apply(instrumentation, true);
    }

    /** Entry point for an agent attached to a running JVM. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        apply(instrumentation, false);
    }

    /**
     * Puts the gradient fix into this running JVM, unless the agent is already in. Attaching needs a JDK
     * (the {@code jdk.attach} module); Byte Buddy starts a helper JVM where self-attachment is off.
     *
     * @return how the fixes came in: {@code "startup"} or {@code "attached"}
     * @throws IllegalStateException if this JVM cannot attach an agent; the message says how to start it
     *         with {@code -javaagent} instead
     */
    public static synchronized String install() {
        String status = System.getProperty(STATUS_PROPERTY);
        if (status != null) {
            return status;
        }
        Instrumentation instrumentation;
        try {
            instrumentation = ByteBuddyAgent.install();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("Could not attach the aelab engine agent to this JVM (" + e
                    + "). DJL's scalar operations would then compute wrong gradients at random. Run on a full JDK "
                    + "(with the jdk.attach module), or start java with -javaagent:<project>/agent/target/"
                    + "aelab-agent.jar", e);
        }
        apply(instrumentation, false);
        return System.getProperty(STATUS_PROPERTY);
    }

    /** How the fixes came in, or null when they are not in this JVM. */
    public static String status() {
        return System.getProperty(STATUS_PROPERTY);
    }

    private static synchronized void apply(Instrumentation instrumentation, boolean atStartup) {
        if (System.getProperty(STATUS_PROPERTY) != null) {
            return;
        }
        // The advice classes name DJL types, which this class loader may not see: Byte Buddy reads their
        // class files from here and resolves the types in the loader of the class being transformed.
        ClassFileLocator adviceClasses = ClassFileLocator.ForClassLoader.of(EngineAgent.class.getClassLoader());
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.Listener.StreamWriting.toSystemError().withErrorsOnly())
                .type(named("ai.djl.pytorch.jni.JniUtils"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(adviceClasses)
                        .advice(named("createNdFromByteBuffer").and(takesArguments(6)),
                                OwnedBufferAdvice.class.getName()));
        if (atStartup) {
            NativeMemory.enable();
            builder = builder.type(named("ai.djl.ndarray.BaseNDManager"))
                    .transform(new AgentBuilder.Transformer.ForAdvice()
                            .include(adviceClasses)
                            .advice(named("attachUncappedInternal").and(takesArguments(2)),
                                    ManagerAttachAdvice.class.getName())
                            .advice(named("detachInternal").and(takesArguments(1)),
                                    ManagerDetachAdvice.class.getName()));
        }
        builder.installOn(instrumentation);
        System.setProperty(STATUS_PROPERTY, atStartup ? "startup" : "attached");
    }
}
