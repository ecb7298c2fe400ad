// Rewrites the classes of a jar that are older than class file version 50 (Java 6) as version 52
// (Java 8), with the stack maps that version requires, so that the JDK's AOT cache can hold them.
// Run by bin/aot-train (JDK 25+) on picocli, whose jar ships version 49: the cache leaves such
// classes out ("Unlinked class not supported by AOTClassLinking"), so every `p2p get` loaded,
// verified with the old type-inferring verifier and linked its ~190 picocli classes from the jar,
// about 150 ms of a fresh JVM's start (bench/README.md, p2p). The bytecode is the same instruction
// for instruction (the JDK's ClassFile API re-emits each method and computes its StackMapTable);
// only the version and the new attribute change. A jar with nothing older than version 50 is left
// as it is, so running it twice changes nothing.
//
//   java bin/upgrade-classfiles.java JAR...      (JDK 24+: java.lang.classfile)
//
// Prints one line per jar; exits 1 when a jar could not be read or a class not rewritten (the jar
// is then left untouched: the result is written beside it and moved over it only when complete).

import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

public final class UpgradeClassFiles {
    private UpgradeClassFiles() {
    }

    public static void main(String[] args) throws IOException {
        int failed = 0;
        for (String arg : args) {
            Path jar = Path.of(arg);
            try {
                int n = upgrade(jar);
                System.out.println(n == 0 ? jar.getFileName() + ": no class older than version 50"
                    : jar.getFileName() + ": " + n + " classes rewritten as version 52");
            } catch (IOException | IllegalArgumentException | IllegalStateException e) {
                System.out.println(jar.getFileName() + ": not rewritten: " + e);
                failed++;
            }
        }
        if (failed > 0) {
            System.exit(1);
        }
    }

    /** The number of classes rewritten; 0 leaves the jar as it was. */
    static int upgrade(Path jar) throws IOException {
        if (!olderThan50(jar)) {
            return 0;
        }
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        int n = 0;
        // the stack maps need the class hierarchy: the JDK's classes, then the jar's own
        try (URLClassLoader own = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
             ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             OutputStream file = Files.newOutputStream(tmp);
             ZipOutputStream out = new ZipOutputStream(file)) {
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                    .orElse(ClassHierarchyResolver.ofResourceParsing(own))));
            ClassTransform toJava8 = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                .andThen(ClassTransform.endHandler(b -> b.withVersion(ClassFile.JAVA_8_VERSION, 0)));
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().endsWith(".class") && version(bytes) < ClassFile.JAVA_6_VERSION) {
                    bytes = cf.transformClass(cf.parse(bytes), toJava8);
                    n++;
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return n;
    }

    static boolean olderThan50(Path jar) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".class") && version(in.readNBytes(8)) < ClassFile.JAVA_6_VERSION) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The major version of a class file's first 8 bytes (CAFEBABE, minor, major). */
    static int version(byte[] head) {
        if (head.length < 8 || (head[0] & 0xff) != 0xca || (head[1] & 0xff) != 0xfe) {
            throw new IllegalArgumentException("not a class file");
        }
        return (head[6] & 0xff) << 8 | head[7] & 0xff;
    }
}
