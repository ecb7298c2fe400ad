package dev.netloom.core;

import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where JNA looks for native libraries (libcrypto for p2p, libc for the fast exit, libpcap for
 * the monitor). Unless {@code jna.platform.library.path} is set, JNA works that list out the first
 * time it loads a library, and on Linux that includes running {@code /sbin/ldconfig -p} and
 * reading its output: a process started from the JVM, about 30 ms of a fresh {@code p2p get}'s
 * start on this machine. {@link #presetSearchPath} sets the property to the directories JNA
 * would list besides ldconfig's (the multiarch ones and the lib64/lib ones that exist); the
 * libraries netloom loads are found there or by the dynamic loader from their sonames.
 */
public final class NativeLibs {

    static final String PROPERTY = "jna.platform.library.path";
    /** Where JNA looks for its own dispatch library before unpacking the jar's copy. */
    static final String BOOT_PROPERTY = "jna.boot.library.path";

    private NativeLibs() {
    }

    /** Sets {@code jna.platform.library.path} on Linux when nobody has; does nothing elsewhere or when set. */
    public static void presetSearchPath() {
        if (System.getProperty(PROPERTY) != null
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return;
        }
        List<String> dirs = directories(System.getProperty("os.arch", ""));
        if (!dirs.isEmpty()) {
            System.setProperty(PROPERTY, String.join(File.pathSeparator, dirs));
        }
    }

    /**
     * Points JNA at the dispatch library (libjnidispatch) that the build unpacked beside the jar,
     * {@code target/native/jna-VERSION/com/sun/jna/PLATFORM/}, when it is there and nobody set
     * {@code jna.boot.library.path}. Otherwise JNA unpacks the jar's copy into a new temp file at
     * every start and loads that: 50-60 ms of a fresh JVM here (JNA's {@code Native} initialised
     * in 156-166 ms against 90-109 ms). The directory names JNA's version, so a build with another
     * JNA never loads a library of this one.
     */
    public static void presetDispatchPath() {
        if (System.getProperty(BOOT_PROPERTY) == null) {
            dispatchDirectory(jarDirectory()).ifPresent(d -> System.setProperty(BOOT_PROPERTY, d.toString()));
        }
    }

    /** The directory under {@code base} that holds this JNA's dispatch library for this platform, if it does. */
    static Optional<Path> dispatchDirectory(Path base) {
        if (base == null) {
            return Optional.empty();
        }
        Path dir = base.resolve("native").resolve("jna-" + Native.VERSION)
                .resolve("com/sun/jna").resolve(Platform.RESOURCE_PREFIX);
        return Files.isRegularFile(dir.resolve(System.mapLibraryName("jnidispatch"))) ? Optional.of(dir) : Optional.empty();
    }

    /** The directory of the jar (or classes directory) this class was loaded from, or null. */
    private static Path jarDirectory() {
        try {
            var source = NativeLibs.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).getParent();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /** The existing library directories for the JVM's architecture {@code arch} (os.arch), in search order. */
    static List<String> directories(String arch) {
        String multiarch = switch (arch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64", "arm64" -> "aarch64-linux-gnu";
            case "x86", "i386", "i686" -> "i386-linux-gnu";
            default -> arch + "-linux-gnu";
        };
        List<String> out = new ArrayList<>();
        for (String d : new String[] {"/usr/lib/" + multiarch, "/lib/" + multiarch, "/usr/lib64", "/lib64", "/usr/lib", "/lib"}) {
            if (Files.isDirectory(Path.of(d))) {
                out.add(d);
            }
        }
        return out;
    }
}
