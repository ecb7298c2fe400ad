package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * SORT and SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
 * [STORE destination] over a list, set or sorted set, as Redis 7.0: numeric by default (equal
 * scores then by the element's bytes, so the order is deterministic), ALPHA by bytes; BY and GET
 * patterns read other keys ({@code weight_*}, {@code hash_*->field}), {@code GET #} is the
 * element, a BY without {@code *} does not sort. STORE writes a list (logged as sent: the result
 * depends only on the data, since a set is always sorted when stored).
 */
final class SortCommands {

    private static final KvError NOT_DOUBLE = new KvError("ERR One or more scores can't be converted into double");

    private SortCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("sort", -2, Set.of(WRITE), new KeySpec(1, 1, 1, SortCommands::keys), (c, a) -> sort(c, a, false)),
                new Command("sort_ro", -2, Set.of(READONLY), KeySpec.ONE, (c, a) -> sort(c, a, true)));
    }

    /** The sorted key, and the STORE destination when there is one. */
    private static List<byte[]> keys(byte[][] a) {
        List<byte[]> keys = new ArrayList<>(List.of(a[1]));
        for (int i = 2; i + 1 < a.length; i++) {
            if (Bytes.is(a[i], "store")) {
                keys.add(a[i + 1]);
            }
        }
        return keys;
    }

    /** One element with what it sorts by. */
    private record Item(byte[] element, double score, byte[] by) {
    }

    static void sort(Client c, byte[][] a, boolean readOnly) {
        boolean desc = false, alpha = false, dontSort = false;
        long offset = 0, count = -1;
        byte[] by = null, store = null;
        List<byte[]> gets = new ArrayList<>();
        for (int i = 2; i < a.length; i++) {
            int left = a.length - i - 1;
            if (Bytes.is(a[i], "asc")) {
                desc = false;
            } else if (Bytes.is(a[i], "desc")) {
                desc = true;
            } else if (Bytes.is(a[i], "alpha")) {
                alpha = true;
            } else if (Bytes.is(a[i], "limit") && left >= 2) {
                offset = Bytes.toLong(a[i + 1]);
                count = Bytes.toLong(a[i + 2]);
                i += 2;
            } else if (Bytes.is(a[i], "store") && left >= 1 && !readOnly) {
                store = a[++i];
            } else if (Bytes.is(a[i], "by") && left >= 1) {
                by = a[++i];
                dontSort = indexOf(by, (byte) '*') < 0;
            } else if (Bytes.is(a[i], "get") && left >= 1) {
                gets.add(a[++i]);
            } else {
                throw KvError.SYNTAX;
            }
        }
        Object v = c.store.get(a[1]);
        List<byte[]> elements = new ArrayList<>();
        if (v instanceof KvList l) {
            for (int i = 0; i < l.size(); i++) {
                elements.add(l.get(i));
            }
        } else if (v instanceof KvSet s) {
            s.members.forEach(e -> elements.add(e.key));
            if (dontSort && store != null) {
                dontSort = false; // a set's order is its table's: sort what is stored, so a replay agrees
                alpha = true;
                by = null;
            }
        } else if (v instanceof KvZSet z) {
            for (KvZSet.Item it : z.sorted) {
                elements.add(it.member());
            }
            if (dontSort && desc) {
                Collections.reverse(elements);
            }
        } else if (v != null) {
            throw KvError.WRONGTYPE;
        }
        List<Item> items = new ArrayList<>(elements.size());
        for (byte[] e : elements) {
            byte[] key = by == null || dontSort ? e : lookup(c, by, e);
            double score = 0;
            if (!dontSort && !alpha && key != null) {
                Double d = Bytes.parseDouble(key);
                if (d == null) {
                    throw NOT_DOUBLE;
                }
                score = d;
            }
            items.add(new Item(e, score, key));
        }
        if (!dontSort) {
            Comparator<Item> order = alpha
                    ? (x, y) -> x.by == null ? (y.by == null ? 0 : -1) : y.by == null ? 1 : Arrays.compareUnsigned(x.by, y.by)
                    : (x, y) -> x.score != y.score ? Double.compare(x.score, y.score) : Arrays.compareUnsigned(x.element, y.element);
            items.sort(desc ? order.reversed() : order);
        }
        int n = items.size();
        long start = Math.max(0, offset);
        long end = count < 0 ? n - 1 : start + count - 1;
        if (start >= n) {
            start = n - 1;
            end = n - 2;
        }
        end = Math.min(end, n - 1);
        List<byte[]> out = new ArrayList<>();
        for (long i = start; i <= end; i++) {
            byte[] e = items.get((int) i).element;
            if (gets.isEmpty()) {
                out.add(e);
            }
            for (byte[] g : gets) {
                out.add(lookup(c, g, e));
            }
        }
        if (store != null) {
            if (out.isEmpty()) {
                if (c.store.delete(store)) {
                    c.store.changed();
                }
            } else {
                KvList l = new KvList();
                for (byte[] e : out) {
                    l.addLast(e == null ? new byte[0] : e);
                }
                c.store.set(store, l, false);
                c.store.changed(out.size());
            }
            c.out.integer(out.size());
            return;
        }
        c.out.array(out.size());
        out.forEach(c.out::bulk);
    }

    /** Redis's lookupKeyByPattern: {@code #} is the element; the first {@code *} replaced by it, {@code ->field} a hash's field. */
    private static byte[] lookup(Client c, byte[] pattern, byte[] element) {
        if (pattern.length == 1 && pattern[0] == '#') {
            return element;
        }
        int star = indexOf(pattern, (byte) '*');
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 2 < pattern.length; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        int keyEnd = arrow < 0 ? pattern.length : arrow;
        byte[] key = new byte[keyEnd - 1 + element.length];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(element, 0, key, star, element.length);
        System.arraycopy(pattern, star + 1, key, star + element.length, keyEnd - star - 1);
        Object v = c.store.get(key);
        if (arrow >= 0) {
            return v instanceof KvHash h ? h.get(Arrays.copyOfRange(pattern, arrow + 2, pattern.length)) : null;
        }
        return v instanceof byte[] s ? s : null;
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
