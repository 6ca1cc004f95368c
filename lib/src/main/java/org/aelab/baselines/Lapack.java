package org.aelab.baselines;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * LAPACK's symmetric eigensolver {@code dsyevd_}, called through JNA in a native library that the
 * process has already loaded. The PyTorch build DJL loads links Intel oneMKL statically into
 * {@code libtorch_cpu.so} and exports its LAPACK routines, so the engine brings a LAPACK with it
 * and nothing needs installing. Linux only: the library is found in {@code /proc/self/maps}.
 */
final class Lapack {

    /** The engine's library; it is loaded before any NDArray exists. */
    static final String ENGINE_LIBRARY = "libtorch_cpu.so";
    static final String EIGENSOLVER = "dsyevd_";

    // dlopen flags: RTLD_NOLOAD makes the lookup fail rather than load a second copy of a library.
    private static final int RTLD_LAZY = 0x1;
    private static final int RTLD_NOLOAD = 0x4;

    private final Path library;
    private final Function dsyevd;
    private final Function setLocalThreads;

    private Lapack(Path library, Function dsyevd, Function setLocalThreads) {
        this.library = library;
        this.dsyevd = dsyevd;
        this.setLocalThreads = setLocalThreads;
    }

    /** The engine's LAPACK, looked up once; empty where the engine's library does not export it. */
    static Optional<Lapack> engine() {
        return EngineHolder.ENGINE;
    }

    private static final class EngineHolder {
        static final Optional<Lapack> ENGINE = find(ENGINE_LIBRARY, EIGENSOLVER);
    }

    /**
     * The routine {@code routine} (dsyevd's Fortran ABI) in the loaded library whose file is called
     * {@code fileName}, or empty when no such library is loaded, it lacks the routine, or JNA cannot
     * run here.
     */
    static Optional<Lapack> find(String fileName, String routine) {
        try {
            if (!Platform.isLinux()) {
                return Optional.empty();
            }
            Optional<Path> loaded = loadedLibrary(fileName);
            if (loaded.isEmpty()) {
                return Optional.empty();
            }
            NativeLibrary library = NativeLibrary.getInstance(loaded.get().toString(),
                    Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_NOLOAD));
            Function solver = library.getFunction(routine);
            Function threads;
            try {
                threads = library.getFunction("mkl_set_num_threads_local_");
            } catch (UnsatisfiedLinkError notMkl) {
                threads = null;
            }
            return Optional.of(new Lapack(loaded.get(), solver, threads));
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | IOException | RuntimeException unavailable) {
            // Any failure here only means the slower pure-Java eigensolver does the work.
            return Optional.empty();
        }
    }

    private static Optional<Path> loadedLibrary(String fileName) throws IOException {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.map(line -> line.indexOf('/') < 0 ? null : line.substring(line.indexOf('/')))
                    .filter(path -> path != null && path.endsWith("/" + fileName))
                    .findFirst()
                    .map(Path::of);
        }
    }

    /** The library the routine comes from. */
    Path library() {
        return library;
    }

    /**
     * Overwrites the symmetric {@code d × d} matrix {@code a} with its orthonormal eigenvectors
     * (column-major: eigenvector k at {@code a[k*d .. k*d+d)}) and fills {@code w} with the
     * eigenvalues in ascending order.
     *
     * @throws IllegalStateException if LAPACK reports an error or does not converge
     */
    void dsyevd(int d, double[] a, double[] w) {
        int[] info = new int[1];
        double[] workSize = new double[1];
        int[] iworkSize = new int[1];
        // A workspace query (lwork = liwork = -1) first, as LAPACK recommends, then the call itself.
        call(d, a, w, workSize, new int[] {-1}, iworkSize, new int[] {-1}, info);
        check(info[0], d);
        if (workSize[0] > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("A " + d + " x " + d + " matrix needs more LAPACK workspace than one"
                    + " Java array holds; decompose a smaller matrix.");
        }
        int lwork = (int) Math.ceil(workSize[0]);
        int liwork = iworkSize[0];
        // One thread: on the 2-core development machine dsyevd of 784 x 784 took 0.06-0.08 s on one
        // thread and 0.08-0.17 s on two when idle, and up to 6 s on two while another process kept a
        // core busy (threads waiting on each other at every step of the tridiagonal reduction).
        // The workspace (10 MB for 784 x 784) is native memory: a Java array would be zeroed, then
        // copied to native memory and back by JNA, for contents nobody reads.
        Memory work = new Memory(8L * lwork);
        Memory iwork = new Memory(4L * liwork);
        int previous = setLocalThreads == null ? 0 : setLocalThreads.invokeInt(new Object[] {new int[] {1}});
        try {
            call(d, a, w, work, new int[] {lwork}, iwork, new int[] {liwork}, info);
        } finally {
            // The setting belongs to this thread, which also runs the engine's matrix products.
            if (setLocalThreads != null) {
                setLocalThreads.invokeInt(new Object[] {new int[] {previous}});
            }
            work.close();
            iwork.close();
        }
        check(info[0], d);
    }

    private void call(int d, double[] a, double[] w, Object work, int[] lwork, Object iwork, int[] liwork,
            int[] info) {
        // Fortran ABI: every argument by reference, the two one-character strings followed by their
        // lengths as hidden trailing arguments.
        dsyevd.invokeVoid(new Object[] {"V", "L", new int[] {d}, a, new int[] {d}, w, work, lwork, iwork, liwork, info,
                1L, 1L});
    }

    private static void check(int info, int d) {
        if (info < 0) {
            throw new IllegalStateException("LAPACK dsyevd refused argument " + (-info) + " for a " + d + " x " + d
                    + " matrix; this is a bug in SymmetricEigen.");
        }
        if (info > 0) {
            throw new IllegalStateException("LAPACK dsyevd did not converge on the " + d + " x " + d
                    + " matrix (info " + info + "); check that it is not badly scaled.");
        }
    }
}
