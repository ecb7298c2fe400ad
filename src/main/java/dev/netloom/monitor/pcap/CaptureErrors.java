package dev.netloom.monitor.pcap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The messages of a live capture that cannot start, each saying what to do: grant capture
 * rights (root, or the two capabilities on this very java binary), install libpcap, pick an
 * existing interface.
 */
final class CaptureErrors {

    private CaptureErrors() {
    }

    static CaptureException noLibrary() {
        return new CaptureException(CaptureException.Reason.NO_LIBRARY, "live capture needs libpcap, which could not be"
                + " loaded (" + Libpcap.LOAD_ERROR + "): install libpcap0.8 (Debian, Ubuntu: sudo apt-get install"
                + " libpcap0.8; Fedora: sudo dnf install libpcap)");
    }

    /** The exception for a pcap_activate that returned {@code status} (negative). */
    static CaptureException activation(String device, int status, String error) {
        String detail = error == null || error.isBlank() ? Libpcap.pcap_statustostr(status) : error;
        if (status == Libpcap.ERROR_PERM_DENIED || status == Libpcap.ERROR_PROMISC_PERM_DENIED
                || detail.toLowerCase(Locale.ROOT).contains("not permitted")) {
            return notPermitted(device, detail);
        }
        if (status == Libpcap.ERROR_NO_SUCH_DEVICE) {
            return new CaptureException(CaptureException.Reason.NO_SUCH_INTERFACE, "no interface " + device
                    + " to capture on (" + detail + "); tcpdump -D or the monitor's interface list shows them");
        }
        if (status == Libpcap.ERROR_IFACE_NOT_UP) {
            return new CaptureException(CaptureException.Reason.FAILED, "interface " + device + " is down (" + detail
                    + ")");
        }
        return new CaptureException(CaptureException.Reason.FAILED, "capture on " + device + ": " + detail);
    }

    static CaptureException notPermitted(String device, String detail) {
        Path java = javaBinary();
        return new CaptureException(CaptureException.Reason.NOT_PERMITTED, "capture on " + device
                + " is not permitted (" + detail + "): run as root, or grant this java binary the two"
                + " capabilities once with: sudo setcap cap_net_raw,cap_net_admin=eip " + java
                + " (if that java then fails to find libjli.so, add " + java.getParent().resolveSibling("lib")
                + " to a file in /etc/ld.so.conf.d/ and run sudo ldconfig)");
    }

    /** The real file of the running java (setcap wants the file, not a symbolic link to it). */
    private static Path javaBinary() {
        Path java = ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
        try {
            return Files.exists(java) ? java.toRealPath() : java;
        } catch (IOException e) {
            return java;
        }
    }
}
