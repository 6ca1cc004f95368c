package org.aelab.kernel;

import java.nio.file.Files;
import java.nio.file.Path;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/** Entry point that Jupyter runs: {@code java -jar aelab-kernel.jar <connection-file>}. */
public final class KernelMain {

    private KernelMain() {
    }

    /** Starts the kernel on the connection described by {@code args[0]} and serves it until shutdown. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -jar aelab-kernel.jar <jupyter-connection-file>\n"
                    + "Jupyter runs this for you; install the kernelspec with environment/kernel/install-kernel.sh");
            System.exit(2);
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
            System.err.printf("aelab-kernel: connected %d ms after JVM start%n",
                    System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        }
        connection.waitUntilClose();
        // Cell threads left running (daemon) or libraries' non-daemon threads must not keep a
        // shut-down kernel alive.
        System.exit(0);
    }
}
