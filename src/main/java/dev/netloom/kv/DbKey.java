package dev.netloom.kv;

import java.util.Arrays;

/**
 * A key of one numbered database, as a map key (the bytes compared by content): what WATCH and
 * the blocked clients are keyed by. The database is its index, not its contents: after
 * {@code SWAPDB 0 1} a key watched in database 0 is watched in what database 0 holds now, as on
 * Redis.
 */
record DbKey(int db, byte[] key) {

    @Override
    public boolean equals(Object o) {
        return o instanceof DbKey k && k.db == db && Arrays.equals(k.key, key);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + db;
    }

    @Override
    public String toString() {
        return db + ":" + Bytes.str(key);
    }
}
