package org.aelab.kernel;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.zeromq.ZMQException;

/** Entry point that Jupyter runs: {@code java -jar aelab-kernel.jar <connection-file>}. */
public final class KernelMain {

    private KernelMain() {
    }

    /** Starts the kernel on the connection described by {@code args[0]} and serves it until shutdown. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -jar aelab-kernel.jar <jupyter-connection-file>\n"
                    + "       java -XX:ArchiveClassesAtExit=kernel.jsa -jar aelab-kernel.jar --warm-up\n"
                    + "Jupyter runs this for you; install the kernelspec with environment/kernel/install-kernel.sh");
            System.exit(2);
        }
        if ("--warm-up".equals(args[0])) {
            // Exits either way: a failed warm-up leaves jjava's channel threads running, and the
            // installer would wait for this JVM for ever (it then installs without an archive).
            try {
                warmUp();
            } catch (Throwable failure) {
                failure.printStackTrace();
                System.exit(1);
            }
            System.exit(0);
        }
        // The kernel's own (relocated) logger: warnings only, always to the real stderr (Jupyter's
        // log), never into a cell, whose System.err is swapped while it runs.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.cacheOutputStream", "true");

        KernelConnectionProperties connectionProperties =
                KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        AelabKernel kernel = new AelabKernel(KernelSettings.fromEnvironment(System.getenv()));
        JupyterConnection connection = new JupyterConnection(connectionProperties);
        kernel.becomeHandlerForConnection(connection);
        kernel.onStartup();
        connection.connect();
        // Answer Jupyter first; JShell, the classpath and the start-up scripts follow in the
        // background and the first cell waits for them.
        kernel.startInBackground();
        if (System.getenv("AELAB_KERNEL_TIMING") != null) {
            System.err.printf("aelab-kernel: connected %d ms after JVM start, process CPU time %d ms%n",
                    System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime(), processCpuMillis());
        }
        connection.waitUntilClose();
        // Cell threads left running (daemon) or libraries' non-daemon threads must not keep a
        // shut-down kernel alive.
        System.exit(0);
    }

    /**
     * Does what a kernel does at start and in its first cells, without Jupyter: run under
     * {@code -XX:ArchiveClassesAtExit}, it records the classes into a CDS archive that makes later
     * starts faster (install-kernel.sh does this).
     */
    private static void warmUp() throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        AelabKernel kernel = new AelabKernel(KernelSettings.fromEnvironment(System.getenv()));
        JupyterConnection connection;
        // The ports are free when chosen, but another process (tests run side by side) may take one
        // before the channels bind it: then choose again.
        for (int attempt = 1; ; attempt++) {
            connection = new JupyterConnection(freeLoopbackPorts());
            kernel.becomeHandlerForConnection(connection);
            try {
                connection.connect();
                break;
            } catch (ZMQException taken) {
                connection.close();
                if (attempt == 5) {
                    throw taken;
                }
            }
        }
        kernel.startInBackground();
        kernel.warmUp();
        connection.close();
    }

    /** Five loopback ports free at the time of the call, as connection properties for a local session. */
    private static KernelConnectionProperties freeLoopbackPorts() throws java.io.IOException {
        int[] ports = new int[5];
        for (int i = 0; i < ports.length; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports[i] = socket.getLocalPort();
            }
        }
        return new KernelConnectionProperties("127.0.0.1", ports[0], ports[1], ports[2], ports[3], ports[4],
                "tcp", "hmac-sha256", UUID.randomUUID().toString());
    }

    /** CPU time used by this JVM, all threads: a start-up measure that machine load does not inflate much. */
    static long processCpuMillis() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1_000_000;
        }
        return -1;
    }
}
