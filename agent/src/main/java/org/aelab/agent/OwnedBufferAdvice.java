package org.aelab.agent;

import ai.djl.Device;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of DJL's {@code JniUtils.createNdFromByteBuffer}, the one method through which every
 * PyTorch array made from Java data passes: {@code manager.create(float[])}, and the 0-d array that
 * {@code x.mul(0.5f)}, {@code div}, {@code pow}, {@code clip}, ... make of their Java number.
 *
 * <p>On the CPU, DJL 0.36 builds that array with {@code torch::from_blob}: a tensor that views the Java
 * direct buffer instead of owning memory, kept alive only while the Java array object is. The scalar
 * operations close their number's array as soon as the product exists, but autograd has saved the tensor
 * for the backward pass (the gradient of {@code x * c} is {@code c}). Once the garbage collector frees the
 * buffer, {@code backward()} reads freed memory and the gradient is wrong. The fix gives the tensor memory
 * of its own: a copy (clone) that libtorch allocates and frees, so its lifetime is the graph's. On a GPU,
 * DJL's native code copies already.
 *
 * <p>Advice templates are never loaded as classes: Byte Buddy reads this class file and inlines the
 * method's code into DJL's class, where the DJL types resolve.
 */
final class OwnedBufferAdvice {

    private OwnedBufferAdvice() {
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Argument(5) Device device, @Advice.Return(readOnly = false) PtNDArray array) {
        if (!device.isGpu()) {
            PtNDArray owned = JniUtils.clone(array);
            array.close();
            array = owned;
        }
    }
}
