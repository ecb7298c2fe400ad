package dev.netloom.dns;

import java.util.Locale;
import java.util.Map;

/**
 * Record type and class numbers with the mnemonics dig uses (RFC 1035 §3.2.2, RFC 3596,
 * RFC 2782, RFC 6891), and the text forms of unnamed ones ({@code TYPE99}, {@code CLASS4}),
 * RFC 3597 §5.
 */
public final class DnsType {

    public static final int A = 1;
    public static final int NS = 2;
    public static final int CNAME = 5;
    public static final int SOA = 6;
    public static final int PTR = 12;
    public static final int MX = 15;
    public static final int TXT = 16;
    public static final int AAAA = 28;
    public static final int SRV = 33;
    public static final int OPT = 41;
    public static final int ANY = 255;
    public static final int IN = 1;

    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(A, "A"), Map.entry(NS, "NS"),
            Map.entry(CNAME, "CNAME"), Map.entry(SOA, "SOA"), Map.entry(PTR, "PTR"), Map.entry(MX, "MX"),
            Map.entry(TXT, "TXT"), Map.entry(AAAA, "AAAA"), Map.entry(SRV, "SRV"), Map.entry(OPT, "OPT"),
            Map.entry(ANY, "ANY"));
    private static final Map<Integer, String> CLASSES = Map.of(1, "IN", 3, "CH", 4, "HS", 255, "ANY");

    private DnsType() {
    }

    /** The mnemonic of a type, or {@code TYPEn}. */
    public static String name(int type) {
        return NAMES.getOrDefault(type, "TYPE" + type);
    }

    /** The mnemonic of a class, or {@code CLASSn}. */
    public static String className(int dnsClass) {
        return CLASSES.getOrDefault(dnsClass, "CLASS" + dnsClass);
    }

    /**
     * The type a word names, ignoring case: a mnemonic above (OPT excepted: it is no question)
     * or {@code TYPEn} with n in 1..65535; -1 when the word names no type.
     */
    public static int parse(String word) {
        String w = word.toUpperCase(Locale.ROOT);
        for (Map.Entry<Integer, String> e : NAMES.entrySet()) {
            if (e.getValue().equals(w) && e.getKey() != OPT) {
                return e.getKey();
            }
        }
        if (w.matches("TYPE\\d{1,5}")) {
            int n = Integer.parseInt(w.substring(4));
            return n >= 1 && n <= 65535 ? n : -1;
        }
        return -1;
    }
}
