package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * The rewrite of Helidon's connection reader ({@link HelidonReaderFix}): on the reader of the
 * Helidon on the class path, a used chunk no longer links to the next one (and Helidon's own
 * reader still does, which is why the fix exists), reading gives the same bytes, a class of another
 * shape is refused, and the build put it before Helidon's jar on the class path.
 */
class HelidonReaderFixTest {

    @Test
    void helidonsOwnReader_keepsTheUsedChunkLinkedToTheNext() throws Exception {
        Chunks chunks = Chunks.of(loadReaderPackage(original()));
        assertSame(chunks.second, chunks.linkOfFirst(),
                "Helidon's reader keeps a used chunk linked; if this fails, Helidon fixed it and HelidonReaderFix can go");
    }

    @Test
    void rewrittenReader_unlinksTheUsedChunk_andMarksItself() throws Exception {
        byte[] rewritten = HelidonReaderRewrite.rewrite(original());
        assertNotNull(rewritten, "the reader on the class path has the shape the rewrite expects");
        ClassLoader loader = loadReaderPackage(rewritten);
        Chunks chunks = Chunks.of(loader);
        assertNull(chunks.linkOfFirst(), "the used chunk's link is cleared as the head moves on");
        assertTrue(HelidonReaderFix.isRewritten(loader));
        assertFalse(HelidonReaderFix.isRewritten(loadReaderPackage(original())));
    }

    @Test
    void rewrittenReader_readsTheSameBytes() throws Exception {
        for (byte[] classFile : List.of(original(), HelidonReaderRewrite.rewrite(original()))) {
            Class<?> type = loadReaderPackage(classFile).loadClass(HelidonReaderFix.READER);
            Object reader = create(type, "GET / HTTP/1.1\r", "\nHost: a\r\n", "\r\nbody-", "bytes");
            assertEquals("GET / HTTP/1.1", type.getMethod("readLine").invoke(reader));
            assertEquals("Host: a", type.getMethod("readLine").invoke(reader));
            assertEquals(true, type.getMethod("startsWithNewLine").invoke(reader));
            type.getMethod("skip", int.class).invoke(reader, 2);
            assertArrayEquals("body-bytes".getBytes(StandardCharsets.US_ASCII),
                    (byte[]) type.getMethod("readBytes", int.class).invoke(reader, 10));
        }
    }

    @Test
    void aReaderOfAnotherShape_isLeftAsItIs() {
        assertNull(HelidonReaderRewrite.rewrite(classNamed("io/helidon/common/buffers/Other", false)), "another class");
        assertNull(HelidonReaderRewrite.rewrite(classNamed("io/helidon/common/buffers/DataReader", false)),
                "a reader whose ensureAvailable() does not move the head");
        assertNotNull(HelidonReaderRewrite.rewrite(classNamed("io/helidon/common/buffers/DataReader", true)),
                "the same synthetic reader with head = head.next is rewritten");
    }

    /**
     * The build put the mended reader before Helidon's jar (as the shipped jar does): the reader
     * this JVM's Helidon uses is the rewritten one.
     */
    @Test
    void theClassPathsReader_isTheMendedOne() throws Exception {
        assertTrue(HelidonReaderFix.applied());
        ClassLoader own = HelidonReaderFixTest.class.getClassLoader();
        assertSame(own.loadClass(HelidonReaderFix.READER), io.helidon.common.buffers.DataReader.class);
        assertNull(Chunks.of(own).linkOfFirst());
    }

    /** A reader over three chunks, read until the first chunk is used up and the head has moved to the second. */
    private record Chunks(Object reader, Object first, Object second, Field next) {
        static Chunks of(ClassLoader loader) throws Exception {
            Class<?> type = loader.loadClass(HelidonReaderFix.READER);
            Object reader = create(type, "ab", "cd", "ef");
            Method read = type.getMethod("read");
            Field head = type.getDeclaredField("head");
            head.setAccessible(true);
            read.invoke(reader); // pulls "ab"
            read.invoke(reader);
            Object first = head.get(reader);
            read.invoke(reader); // pulls "cd": the head moves past "ab"
            Object second = head.get(reader);
            Field next = first.getClass().getDeclaredField("next");
            next.setAccessible(true);
            return new Chunks(reader, first, second, next);
        }

        Object linkOfFirst() throws IllegalAccessException {
            return next.get(first);
        }
    }

    private static Object create(Class<?> type, String... chunks) throws Exception {
        Deque<byte[]> queue = new ArrayDeque<>();
        for (String chunk : chunks) {
            queue.add(chunk.getBytes(StandardCharsets.US_ASCII));
        }
        Supplier<byte[]> supplier = queue::poll;
        return type.getMethod("create", Supplier.class).invoke(null, supplier);
    }

    private static byte[] original() throws IOException {
        return HelidonReaderRewrite.original(HelidonReaderFixTest.class.getClassLoader());
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HelidonReaderFixTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    /**
     * A loader that defines Helidon's buffers package itself (so the reader and its chunk class
     * share a package and nest, as in the application), with {@code reader} as the reader's class
     * file; everything else comes from the test's class path.
     */
    private static ClassLoader loadReaderPackage(byte[] reader) {
        String pkg = "io.helidon.common.buffers.";
        return new ClassLoader(HelidonReaderFixTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    if (!name.startsWith(pkg) || name.substring(pkg.length()).contains(".")) {
                        return super.loadClass(name, resolve);
                    }
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null) {
                        try {
                            byte[] bytes = name.equals(HelidonReaderFix.READER) ? reader : resource(name.replace('.', '/') + ".class");
                            loaded = defineClass(name, bytes, 0, bytes.length);
                        } catch (IOException e) {
                            throw new ClassNotFoundException(name, e);
                        }
                    }
                    return loaded;
                }
            }
        };
    }

    /**
     * A minimal class with a {@code head} field and {@code ensureAvailable()}: with
     * {@code movesHead}, the method is {@code head = head.next}, otherwise it only reads it.
     */
    private static byte[] classNamed(String name, boolean movesHead) {
        String node = "io/helidon/common/buffers/DataReader$Node";
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V21, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_PRIVATE, "head", "L" + node + ";", null, null).visitEnd();
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "ensureAvailable", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, name, "head", "L" + node + ";");
        mv.visitFieldInsn(Opcodes.GETFIELD, node, "next", "L" + node + ";");
        if (movesHead) {
            mv.visitFieldInsn(Opcodes.PUTFIELD, name, "head", "L" + node + ";");
        } else {
            mv.visitInsn(Opcodes.POP2);
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
