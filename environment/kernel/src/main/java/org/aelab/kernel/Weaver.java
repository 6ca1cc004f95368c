package org.aelab.kernel;

import java.util.HashSet;
import java.util.Set;

import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Weaves {@link CellGuard} calls into class files: a stop check at every method entry and before
 * every backward jump (every loop iteration; not in a method marked {@code @BoundedLoops}, whose
 * short loops must stay vectorisable), and {@code System.exit}/{@code Runtime.exit}/
 * {@code Runtime.halt} replaced by a {@link CellGuard.CellExitError}.
 *
 * <p>Only calls and no new branches are added, so the existing stack map frames stay valid and
 * nothing has to be loaded to recompute them.
 */
final class Weaver {

    private static final String GUARD = CellGuard.class.getName().replace('.', '/');
    /**
     * The helper jar's {@code org.aelab.notebook.BoundedLoops}, named by its descriptor (the kernel
     * does not depend on the jar): a method so marked is checked at entry only, not in its loops.
     */
    static final String BOUNDED_LOOPS = "Lorg/aelab/notebook/BoundedLoops;";

    private Weaver() {
    }

    static byte[] weave(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                boolean hasCode = (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0;
                // Static initialisers run while the class initialises; an interrupt there would leave
                // the class unusable (NoClassDefFoundError) for the rest of the session.
                return hasCode && !"<clinit>".equals(name) ? new GuardingMethodVisitor(next) : next;
            }
        }, 0);
        return writer.toByteArray();
    }

    private static final class GuardingMethodVisitor extends MethodVisitor {
        private final Set<Label> seen = new HashSet<>();
        /** Set by the method's {@link #BOUNDED_LOOPS} annotation, which comes before its code. */
        private boolean boundedLoops;

        GuardingMethodVisitor(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            boundedLoops |= BOUNDED_LOOPS.equals(descriptor);
            return super.visitAnnotation(descriptor, visible);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            check();
        }

        @Override
        public void visitLabel(Label label) {
            super.visitLabel(label);
            if (!boundedLoops) {
                seen.add(label);    // a later jump back to it closes a loop, which gets a check
            }
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            if (seen.contains(label)) {
                check();
            }
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            if (anySeen(dflt, labels)) {
                check();
            }
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            if (anySeen(dflt, labels)) {
                check();
            }
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            if (opcode == Opcodes.INVOKESTATIC && "java/lang/System".equals(owner)
                    && "exit".equals(name) && "(I)V".equals(descriptor)) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "exit", "(I)V", false);
            } else if (opcode == Opcodes.INVOKEVIRTUAL && "java/lang/Runtime".equals(owner)
                    && ("exit".equals(name) || "halt".equals(name)) && "(I)V".equals(descriptor)) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, name, "(Ljava/lang/Runtime;I)V", false);
            } else {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
        }

        private boolean anySeen(Label dflt, Label[] labels) {
            if (seen.contains(dflt)) {
                return true;
            }
            for (Label l : labels) {
                if (seen.contains(l)) {
                    return true;
                }
            }
            return false;
        }

        private void check() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "check", "()V", false);
        }
    }
}
