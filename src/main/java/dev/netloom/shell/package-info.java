/**
 * The interactive and scripted shell: picocli parses each command, JLine reads lines with
 * completion and history. The service commands reach services through an {@code Instance}: this
 * process's {@link dev.netloom.core.ServiceRegistry}, or another netloom's admin API
 * ({@code netloom attach}, with {@link dev.netloom.tools.AdminClient}).
 */
package dev.netloom.shell;
