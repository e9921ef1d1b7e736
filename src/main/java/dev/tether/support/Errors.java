package dev.tether.support;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Error unwrapping shared by every feature. */
public final class Errors {

    private Errors() {
    }

    /** The failure inside the wrappers that futures add ({@link CompletionException}, {@link ExecutionException}). */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
