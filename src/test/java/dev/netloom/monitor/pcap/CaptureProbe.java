package dev.netloom.monitor.pcap;

/**
 * Run in a JVM of its own by {@link LiveCaptureTest} with the capture capabilities taken away:
 * tries to capture on the interface named first and prints the outcome, "REASON message" or
 * "OPENED".
 */
final class CaptureProbe {

    private CaptureProbe() {
    }

    public static void main(String[] args) {
        try (LiveCapture capture = LiveCapture.open(args[0], 96, false, null, 0)) {
            System.out.println("OPENED " + capture.linkType());
        } catch (CaptureException e) {
            System.out.println(e.reason() + " " + e.getMessage());
        }
    }
}
