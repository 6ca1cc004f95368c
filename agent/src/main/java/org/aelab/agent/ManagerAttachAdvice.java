package org.aelab.agent;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.djl.util.NativeResource;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code BaseNDManager.attachUncappedInternal(id, resource)}, where every array
 * and every sub-manager joins its manager: tells {@link NativeMemory} about it, and hands the system
 * manager a weak reference in place of a new top-level manager (see {@link NativeMemory}).
 */
final class ManagerAttachAdvice {

    private ManagerAttachAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.This BaseNDManager self, @Advice.FieldValue("uid") String uid,
                      @Advice.Argument(0) String id,
                      @Advice.Argument(value = 1, readOnly = false) AutoCloseable resource) {
        if (resource instanceof BaseNDManager) {
            resource = NativeMemory.childManager(self, self instanceof NDManager.SystemNDManager, id, resource);
        } else if (resource instanceof NativeResource && !((NativeResource<?>) resource).isReleased()) {
            NativeMemory.attached(uid, id, ((NativeResource<?>) resource).getHandle());
        }
    }
}
