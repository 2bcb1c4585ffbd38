package org.kmsagent.agent.core;

import com.google.inject.Binder;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import jakarta.inject.Qualifier;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * The {@code kms-agent} subcommands, gathered from every module's Guice module: the name a user types mapped to
 * the picocli command class. The machine agent's cli module contributes run, status, doctor, ctl, products and
 * gvlk; the full install's hub, simulator and bench modules add theirs, found on the class path through
 * {@code META-INF/services/com.google.inject.Module}.
 */
@Qualifier
@Retention(RetentionPolicy.RUNTIME)
public @interface Subcommands {

    /** The map binder a module adds its subcommands to: {@code Subcommands.Binding.of(binder()).addBinding("hub")}. */
    final class Binding {
        private Binding() {}

        public static MapBinder<String, Class<?>> of(Binder binder) {
            return MapBinder.newMapBinder(
                    binder, new TypeLiteral<String>() {}, new TypeLiteral<Class<?>>() {}, Subcommands.class);
        }
    }
}
