package dev.netloom.ftp;

/**
 * One account of the {@code ftp} service, from {@code ftp.user.NAME.*} (or the anonymous one).
 *
 * @param name         the login name
 * @param passwordHash a {@link dev.netloom.core.PasswordHash} string; null for anonymous, which takes any password
 * @param home         the home directory relative to {@code ftp.root}: the user's whole world
 * @param write        whether the user may change files (else 550 on STOR, DELE, MKD, ...)
 */
public record FtpUser(String name, String passwordHash, String home, boolean write) {

    public boolean anonymous() {
        return passwordHash == null;
    }
}
