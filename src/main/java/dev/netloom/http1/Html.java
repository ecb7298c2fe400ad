package dev.netloom.http1;

/** Text for HTML pages the servers write themselves (directory listings, error pages). */
public final class Html {

    private Html() {
    }

    /** Escapes {@code < > & " '} so that {@code s} is text in an element or a quoted attribute. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
