package dev.netloom;

import dev.netloom.core.ConfigException;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code serve} (production mode, docs/production.md), taken out of its words
 * before the service names and {@code SVC.key=value} overrides are read; each as
 * {@code --opt VALUE} or {@code --opt=VALUE}.
 *
 * @param workers   {@code --workers N}: a master and N worker processes (1-64); 0 without it (one process)
 * @param user      {@code --user NAME}: bind as root, then drop to NAME before serving; null without it
 * @param allowRoot {@code --allow-root}: let {@code --workers} run as root without {@code --user}
 * @param workerOf  {@code --worker-of PID}: this process is a worker of that master (the master adds
 *                  it); 0 otherwise
 * @param words     the rest: service names and overrides
 */
record ServeOptions(int workers, String user, boolean allowRoot, long workerOf, List<String> words) {

    /** Takes the options out of {@code args}; a ConfigException names a bad one. */
    static ServeOptions parse(List<String> args) {
        int workers = 0;
        String user = null;
        boolean allowRoot = false;
        long workerOf = 0;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                words.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            if (name.equals("--allow-root")) {
                allowRoot = true;
                continue;
            }
            String value;
            if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new ConfigException("option " + name + " needs a value");
            }
            switch (name) {
                case "--workers" -> workers = number(name, value, 1, 64);
                case "--user" -> user = value;
                case "--worker-of" -> workerOf = number(name, value, 1, Integer.MAX_VALUE);
                default -> throw new ConfigException("unknown option " + name
                        + " (serve takes --workers N, --user NAME, --allow-root, --config FILE)");
            }
        }
        if (user != null && !user.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            throw new ConfigException("--user '" + user + "' is not a user name");
        }
        return new ServeOptions(workers, user, allowRoot, workerOf, List.copyOf(words));
    }

    private static int number(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ConfigException("option " + option + " '" + value + "': expected a number in " + min + "-" + max);
    }

    /** Whether this process is the master of workers. */
    boolean master() {
        return workers > 0 && workerOf == 0;
    }

    /** Whether this process is a worker of a master. */
    boolean worker() {
        return workerOf != 0;
    }
}
