package dev.netloom.rest;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * The same API contract on PostgreSQL. Runs when {@code NETLOOM_TEST_PG_URL} names a JDBC URL
 * of a database it may wipe: {@code make test} starts a scratch cluster for it with
 * {@code tests/with-postgres.sh} when PostgreSQL is installed.
 */
@EnabledIfEnvironmentVariable(named = "NETLOOM_TEST_PG_URL", matches = "jdbc:postgresql:.*")
class RestPostgresTest extends JsonServerContract {

    @Override
    String freshDatabase() throws Exception {
        String url = System.getenv("NETLOOM_TEST_PG_URL");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
        return url;
    }
}
