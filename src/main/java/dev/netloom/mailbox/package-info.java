/**
 * Caught mail as its readers see it: {@link dev.netloom.mailbox.Mailbox} (what the {@code smtp}
 * service's store offers), {@link dev.netloom.mailbox.MailboxOwner} (how the admin listener finds it in
 * the registry) and {@link dev.netloom.mailbox.MailJson} (the JSON shapes, the list's parameters and the
 * rules for serving attachments), shared by the smtp service's JSON API and the admin's Mail tab so
 * both answer the same.
 */
package dev.netloom.mailbox;
