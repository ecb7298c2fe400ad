/**
 * The interactive and scripted shell: picocli parses each command, JLine reads lines with
 * completion and history. The shell reaches services only through
 * {@link dev.netloom.core.ServiceRegistry}.
 */
package dev.netloom.shell;
