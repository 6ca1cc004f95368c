package org.aelab.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Fashion-MNIST could not be loaded: a file is missing, damaged or not Fashion-MNIST, or no copy
 * could be found or downloaded. The message names the file, says what was wrong and what to do.
 */
public final class FashionMnistException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    FashionMnistException(String message, Path file, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    FashionMnistException(String message, Path file) {
        this(message, file, null);
    }

    /** The file the problem was found in, when there is one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
