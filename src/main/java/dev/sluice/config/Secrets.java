package dev.sluice.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves secret references. Secrets never sit in the YAML itself: a secret-valued key holds a
 * reference, {@code env:NAME} (an environment variable) or {@code file:/path} (a mounted file,
 * trailing newline trimmed), so the repository's configuration can be public.
 */
public final class Secrets {
    private final Function<String, String> env;
    private final Path baseDir;

    Secrets(Function<String, String> env, Path baseDir) {
        this.env = env;
        this.baseDir = baseDir;
    }

    /** Resolves against the process environment and the working directory. */
    public static Secrets system() {
        return new Secrets(System::getenv, Path.of(""));
    }

    /** Resolves against the given variables (for tests). */
    public static Secrets of(Map<String, String> variables, Path baseDir) {
        return new Secrets(variables::get, baseDir);
    }

    /**
     * Resolves {@code reference} read from {@code key}.
     *
     * @throws ConfigException naming the key when the reference is malformed or points nowhere
     */
    public Secret resolve(String key, String reference) {
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            String value = env.apply(name);
            if (value == null || value.isBlank()) {
                throw new ConfigException(key, "environment variable " + name + " is not set");
            }
            return Secret.of(value.strip(), "env:" + name);
        }
        if (reference.startsWith("file:")) {
            Path file = baseDir.resolve(reference.substring(5));
            try {
                String value = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (value.isEmpty()) {
                    throw new ConfigException(key, "secret file " + file + " is empty");
                }
                return Secret.of(value, "file:" + file);
            } catch (IOException e) {
                throw new ConfigException(key, "cannot read secret file " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        throw new ConfigException(key, "must be a secret reference (env:NAME or file:PATH), not a literal value");
    }
}
