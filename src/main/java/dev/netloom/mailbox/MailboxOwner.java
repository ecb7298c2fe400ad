package dev.netloom.mailbox;

import java.util.Optional;

/**
 * A service that holds a {@link Mailbox} (the {@code smtp} service), so that another package (the
 * admin listener) reaches its mail through the registry without importing the service's package.
 */
public interface MailboxOwner {

    /** The mailbox while the service runs; empty before its start and after its stop. */
    Optional<Mailbox> mailbox();
}
