package org.kmsagent.agent.command;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a command that reads the root command's {@link GlobalOptions} ({@code --plugins-dir}). picocli copies an
 * inherited option into every command below the root; the root keeps it only in the commands so marked, so that the
 * others ({@code ctl}'s, which drive a running agent or hub that loads its own plugins; {@code hub}; {@code token})
 * neither list it in their help nor accept it. The root's own {@code kms-agent --plugins-dir DIR COMMAND} is always
 * accepted. Inherited, so that a test's subclass of a command keeps what its command takes.
 */
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TakesGlobalOptions {}
