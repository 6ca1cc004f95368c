package org.aelab.agent;

import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code BaseNDManager.detachInternal(id)}, called when an array or a sub-manager
 * closes or moves to another manager: {@link NativeMemory} forgets it.
 */
final class ManagerDetachAdvice {

    private ManagerDetachAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.FieldValue("uid") String uid, @Advice.Argument(0) String id) {
        NativeMemory.detached(uid, id);
    }
}
