package org.aelab.kernel;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;

/**
 * The class loader of everything a notebook runs: JShell's snippet classes plus the notebook
 * classpath (helper jar, DJL, Tablesaw, {@code %classpath} additions). It is also the thread
 * context class loader of cells, which is how DJL's ServiceLoader finds the PyTorch engine.
 *
 * <p>Snippet classes and the project's own {@code org.aelab} library classes are woven by
 * {@link Weaver} as they are defined, so they stop promptly on interrupt.
 */
final class SnippetLoader extends URLClassLoader implements LoaderDelegate {

    static {
        registerAsParallelCapable();
    }

    private static final String WOVEN_LIBRARY_PREFIX = "org.aelab.";
    private static final String KERNEL_PREFIX = "org.aelab.kernel.";

    private final Map<String, byte[]> snippetBytes = new ConcurrentHashMap<>();
    private final Map<String, Class<?>> snippetClasses = new ConcurrentHashMap<>();
    private final List<String> classpath = new ArrayList<>();
    /** Snippet classes in the order JShell installed them. */
    private final List<Class<?>> installOrder = new ArrayList<>();

    SnippetLoader(ClassLoader parent) {
        super("notebook", new URL[0], parent);
    }

    /** Entries added so far, in order, as file-system paths. */
    synchronized List<String> classpathEntries() {
        return List.copyOf(classpath);
    }

    @Override
    public void load(ClassBytecodes[] classes) throws ClassInstallException {
        boolean[] installed = new boolean[classes.length];
        for (ClassBytecodes cbc : classes) {
            snippetBytes.put(cbc.name(), cbc.bytecodes());
        }
        Throwable failure = null;
        for (int i = 0; i < classes.length; i++) {
            try {
                Class<?> snippetClass = loadClass(classes[i].name());
                snippetClasses.put(classes[i].name(), snippetClass);
                synchronized (installOrder) {
                    installOrder.add(snippetClass);
                }
                installed[i] = true;
            } catch (Throwable t) {
                failure = t;
            }
        }
        if (failure != null) {
            throw new ClassInstallException("Could not load snippet classes: " + failure, installed);
        }
    }

    /**
     * Clears what the declarations of variable {@code name} in snippet {@code id} still hold, now that a
     * new declaration replaced them. JShell keeps every version of a snippet's class ({@code $JShell$12},
     * then {@code $JShell$12B} when it recompiles the snippet because something it uses changed, with the
     * value carried over), and a replaced variable's value stays in the old class's static field, reachable
     * for good. When the new declaration kept the snippet's id ({@code keepNewest}), its newest version is
     * the variable itself and stays. Returns whether an object was let go.
     */
    boolean clearReplacedVariable(String id, String name, boolean keepNewest) {
        Pattern versions = Pattern.compile("REPL\\.\\$JShell\\$" + Pattern.quote(id) + "[A-Z]*");
        List<Class<?>> matching = new ArrayList<>();
        synchronized (installOrder) {
            for (Class<?> c : installOrder) {
                if (versions.matcher(c.getName()).matches()) {
                    matching.add(c);
                }
            }
        }
        boolean released = false;
        int replacedVersions = keepNewest ? Math.max(0, matching.size() - 1) : matching.size();
        for (Class<?> old : matching.subList(0, replacedVersions)) {
            try {
                Field field = old.getDeclaredField(name);
                if (Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()) {
                    field.setAccessible(true);
                    if (field.get(null) != null) {
                        field.set(null, null);
                        released = true;
                    }
                }
            } catch (NoSuchFieldException | IllegalAccessException | RuntimeException e) {
                // Not this variable's class, or a field JShell made final: nothing to let go.
            }
        }
        return released;
    }

    @Override
    public void classesRedefined(ClassBytecodes[] classes) {
        for (ClassBytecodes cbc : classes) {
            snippetBytes.put(cbc.name(), cbc.bytecodes());
        }
    }

    @Override
    public synchronized void addToClasspath(String path) {
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank() || classpath.contains(entry)) {
                continue;
            }
            try {
                addURL(Path.of(entry).toUri().toURL());
                classpath.add(entry);
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("Not a usable classpath entry: " + entry, e);
            }
        }
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> snippet = snippetClasses.get(name);
        if (snippet != null) {
            return snippet;
        }
        byte[] bytes = snippetBytes.get(name);
        if (bytes != null) {
            byte[] woven = Weaver.weave(bytes);
            return defineClass(name, woven, 0, woven.length);
        }
        if (name.startsWith(WOVEN_LIBRARY_PREFIX) && !name.startsWith(KERNEL_PREFIX)) {
            Class<?> library = defineWovenLibraryClass(name);
            if (library != null) {
                return library;
            }
        }
        return super.findClass(name);
    }

    private Class<?> defineWovenLibraryClass(String name) throws ClassNotFoundException {
        URL resource = findResource(name.replace('.', '/') + ".class");
        if (resource == null) {
            return null;
        }
        try (InputStream in = resource.openStream()) {
            byte[] woven = Weaver.weave(in.readAllBytes());
            return defineClass(name, woven, 0, woven.length);
        } catch (IOException e) {
            throw new ClassNotFoundException("Could not read " + resource, e);
        }
    }
}
