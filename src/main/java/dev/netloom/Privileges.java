package dev.netloom;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

import java.util.Arrays;

/**
 * Root's rights given up, for {@code serve --user NAME}: the ports are bound as root (ports below
 * 1024 included), then {@link #dropTo} sets the supplementary groups, the gid and the uid of
 * NAME, in that order (the groups and the gid can no longer be set once the uid is not root),
 * through libc with JNA: the JDK has no call for it, and {@code --release 21} rules out the FFM API.
 * glibc applies each change to every thread of the process, the JVM's included. The drop is
 * checked afterwards: the real and effective ids are NAME's, and root cannot be taken back.
 */
final class Privileges {

    private Privileges() {
    }

    /** A user's ids as the system's user database (NSS: /etc/passwd, LDAP, ...) has them. */
    record User(String name, int uid, int gid, int[] groups) {
        @Override
        public String toString() {
            return name + " (uid " + uid + ", gid " + gid + ", groups " + Arrays.toString(groups) + ")";
        }
    }

    /** Whether the process runs with root's effective uid. */
    static boolean root() {
        return LibC.C.geteuid() == 0;
    }

    /**
     * Looks {@code name} up, with its supplementary groups.
     *
     * @throws IllegalArgumentException when there is no such user
     */
    static User lookup(String name) {
        Pointer pw = LibC.C.getpwnam(name);
        if (pw == null) {
            throw new IllegalArgumentException("no user named '" + name + "' (getpwnam found none)");
        }
        // struct passwd: char *pw_name, *pw_passwd; uid_t pw_uid; gid_t pw_gid; ...
        int uid = pw.getInt(2L * Native.POINTER_SIZE);
        int gid = pw.getInt(2L * Native.POINTER_SIZE + 4);
        int[] groups = new int[64];
        IntByReference n = new IntByReference(groups.length);
        if (LibC.C.getgrouplist(name, gid, groups, n) < 0) { // too small: n now holds the count
            groups = new int[n.getValue()];
            LibC.C.getgrouplist(name, gid, groups, n);
        }
        return new User(name, uid, gid, Arrays.copyOf(groups, n.getValue()));
    }

    /**
     * Becomes {@code user}: supplementary groups, gid, uid.
     *
     * @throws IllegalStateException when a call fails (not root: EPERM) or the ids are not all changed after
     */
    static void dropTo(User user) {
        check(LibC.C.setgroups(new NativeLong(user.groups().length), user.groups()), "setgroups");
        check(LibC.C.setgid(user.gid()), "setgid(" + user.gid() + ")");
        check(LibC.C.setuid(user.uid()), "setuid(" + user.uid() + ")");
        if (LibC.C.getuid() != user.uid() || LibC.C.geteuid() != user.uid() || LibC.C.getgid() != user.gid()
                || LibC.C.getegid() != user.gid()) {
            throw new IllegalStateException("ids not changed to " + user);
        }
        if (user.uid() != 0 && LibC.C.setuid(0) == 0) {
            throw new IllegalStateException("root could be taken back after dropping to " + user);
        }
    }

    private static void check(int rc, String call) {
        if (rc != 0) {
            int errno = Native.getLastError();
            throw new IllegalStateException(call + " failed: errno " + errno + (errno == 1 ? " (EPERM: not root)" : ""));
        }
    }

    /** The libc calls, bound on first use. */
    private interface LibC extends Library {
        LibC C = Native.load("c", LibC.class);

        Pointer getpwnam(String name);

        int getgrouplist(String user, int group, int[] groups, IntByReference ngroups);

        int setgroups(NativeLong size, int[] list);

        int setgid(int gid);

        int setuid(int uid);

        int getuid();

        int geteuid();

        int getgid();

        int getegid();
    }
}
