package dev.netloom.core;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
