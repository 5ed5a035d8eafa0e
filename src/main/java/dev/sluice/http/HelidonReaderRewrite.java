package dev.sluice.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Build step (Maven's {@code process-classes}, pom.xml): writes the mended connection reader that
 * {@link HelidonReaderFix} describes into the build's classes directory, derived from the class in
 * Helidon's own jar. Runs only at build time; ASM is a build-time dependency and is not shipped.
 *
 * <p>The rewrite checks the method's shape ({@code head = head.next}, once) and fails the build
 * when a Helidon release's reader differs, so that an upgrade makes someone look at whether the
 * fix is still needed (HelidonReaderFixTest says whether Helidon's reader still keeps the link).
 */
public final class HelidonReaderRewrite {

    static final String OWNER = HelidonReaderFix.READER.replace('.', '/');
    private static final String NODE = OWNER + "$Node";
    private static final String NODE_DESC = "L" + NODE + ";";

    private HelidonReaderRewrite() {
    }

    /** {@code args[0]}: the classes directory the rewritten reader goes into. */
    public static void main(String[] args) throws IOException {
        byte[] rewritten = rewrite(original(HelidonReaderRewrite.class.getClassLoader()));
        if (rewritten == null) {
            throw new IllegalStateException(HelidonReaderFix.READER + " in Helidon's jar does not have the shape"
                    + " HelidonReaderRewrite expects: check whether Helidon still keeps used chunks linked"
                    + " (HelidonReaderFixTest), then update or drop the rewrite");
        }
        Path target = Path.of(args[0]).resolve(OWNER + ".class");
        Files.createDirectories(target.getParent());
        Files.write(target, rewritten);
    }

    /** The reader's class file as Helidon's jar has it (not an earlier build's rewritten copy). */
    static byte[] original(ClassLoader loader) throws IOException {
        for (URL url : Collections.list(loader.getResources(OWNER + ".class"))) {
            if ("jar".equals(url.getProtocol())) {
                try (InputStream in = url.openStream()) {
                    return in.readAllBytes();
                }
            }
        }
        throw new IllegalStateException(HelidonReaderFix.READER + " is not in any jar on the class path");
    }

    /**
     * The reader's class file with {@code ensureAvailable()} clearing the used head's link, and the
     * marker constant added; {@code null} when the class does not have the expected shape.
     */
    static byte[] rewrite(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        if (!OWNER.equals(reader.getClassName())) {
            return null;
        }
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        int[] rewrites = {0};
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                return "ensureAvailable".equals(name) && "()V".equals(descriptor) ? new UnlinkConsumed(next, rewrites) : next;
            }

            @Override
            public void visitEnd() {
                super.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC,
                        HelidonReaderFix.MARKER, "Z", null, 1).visitEnd();
                super.visitEnd();
            }
        }, 0);
        return rewrites[0] == 1 ? writer.toByteArray() : null;
    }

    /**
     * In {@code ensureAvailable()}: where {@code head = head.next} stores the new head, first
     * clears the link of the head being replaced ({@code head.next = null}). The stored value was
     * read from that link by the instruction just before, so nothing else changes.
     */
    private static final class UnlinkConsumed extends MethodVisitor {
        private final int[] rewrites;
        private boolean afterGetNext;

        UnlinkConsumed(MethodVisitor next, int[] rewrites) {
            super(Opcodes.ASM9, next);
            this.rewrites = rewrites;
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            boolean storesHead = opcode == Opcodes.PUTFIELD && OWNER.equals(owner) && "head".equals(name)
                    && NODE_DESC.equals(descriptor);
            if (storesHead && afterGetNext) {
                // Operand stack here: this, new head. Clear the old head's link, then store.
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitFieldInsn(Opcodes.GETFIELD, OWNER, "head", NODE_DESC);
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitFieldInsn(Opcodes.PUTFIELD, NODE, "next", NODE_DESC);
                rewrites[0]++;
            } else if (storesHead) {
                rewrites[0] += 2; // a head store this rewrite does not understand: refuse the class
            }
            afterGetNext = opcode == Opcodes.GETFIELD && NODE.equals(owner) && "next".equals(name)
                    && NODE_DESC.equals(descriptor);
            super.visitFieldInsn(opcode, owner, name, descriptor);
        }

        @Override
        public void visitInsn(int opcode) {
            afterGetNext = false;
            super.visitInsn(opcode);
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            afterGetNext = false;
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            afterGetNext = false;
            super.visitVarInsn(opcode, varIndex);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            afterGetNext = false;
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            afterGetNext = false;
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            afterGetNext = false;
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            afterGetNext = false;
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitLabel(Label label) {
            // A jump target between the read and the store would mean another path to the store.
            afterGetNext = false;
            super.visitLabel(label);
        }

        @Override
        public void visitLdcInsn(Object value) {
            afterGetNext = false;
            super.visitLdcInsn(value);
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            afterGetNext = false;
            super.visitIincInsn(varIndex, increment);
        }
    }
}
