/**
 * Internet messages for the SMTP server (which shows what it stored) and the SMTP client
 * (which composes what it sends): {@link dev.netloom.mail.MessageWriter} turns a
 * {@link dev.netloom.mail.Draft} into RFC 5322 bytes and {@link dev.netloom.mail.MessageReader}
 * reads any bytes back into a {@link dev.netloom.mail.ParsedMessage}. Followed: RFC 5322
 * (header fields, folding, address lists, Date), RFC 2045 (Content-Type,
 * Content-Transfer-Encoding: base64, quoted-printable, 7bit/8bit/binary), RFC 2046 (multipart
 * boundaries, multipart/mixed and /alternative), RFC 2047 (encoded words, in
 * {@link dev.netloom.mail.EncodedWords}), RFC 2183 (Content-Disposition) and RFC 2231
 * (parameter charsets and continuations), RFC 6532 (UTF-8 header bytes, when reading).
 *
 * <p>Left out: S/MIME and PGP, message/rfc822 parts are not opened (they become attachments),
 * no Bcc header, Reply-To/In-Reply-To/References and other headers are not written, no
 * uuencode or BinHex, no format=flowed, no inline images with Content-ID, no content
 * sniffing (the caller names an attachment's type), and the writer always uses UTF-8.
 */
package dev.netloom.mail;
