package dev.netloom.mail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Charset names from MIME parameters and encoded words, looked up without throwing. */
final class Charsets {

    private Charsets() {
    }

    /** The charset named {@code name} (an RFC 2231 "*language" suffix is ignored), or null if unknown. */
    static Charset lookup(String name) {
        if (name == null) {
            return null;
        }
        int star = name.indexOf('*');
        String n = (star >= 0 ? name.substring(0, star) : name).trim();
        if (n.isEmpty() || n.length() > 64) {
            return null;
        }
        try {
            return Charset.forName(n);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Decodes body text in the charset a Content-Type names. No charset or US-ASCII with bytes
     * above 127 is read as UTF-8 (what senders that forget the parameter mean); an unknown
     * charset also falls back to UTF-8; malformed bytes become U+FFFD.
     */
    static String text(byte[] bytes, String charsetName) {
        Charset cs = lookup(charsetName);
        if (cs == null || cs.equals(StandardCharsets.US_ASCII)) {
            cs = isAscii(bytes) ? StandardCharsets.US_ASCII : StandardCharsets.UTF_8;
        }
        return new String(bytes, cs);
    }

    /** Header bytes: UTF-8 when they are valid UTF-8 (RFC 6532), else ISO-8859-1 so no byte is lost. */
    static String header(byte[] raw, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return new String(raw, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }

    static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
