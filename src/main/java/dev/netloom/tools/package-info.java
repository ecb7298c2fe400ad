/**
 * Client tools usable from the shell and the command line: {@code send} (one message over TCP
 * or UDP, print the reply) and the endpoint notation {@code tcp://HOST:PORT}.
 */
package dev.netloom.tools;
