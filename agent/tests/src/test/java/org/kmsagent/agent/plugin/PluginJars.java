package org.kmsagent.agent.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Test fixtures: the real plugin jars the build produced (copied by Maven into {@code kmsagent.test.plugins}), and
 * broken variants of them written into a test's own folder.
 */
public final class PluginJars {
    private PluginJars() {}

    /** The folder the build collected the four plugin jars into. */
    public static Path builtPlugins() {
        String dir = System.getProperty("kmsagent.test.plugins");
        if (dir == null) {
            throw new IllegalStateException("kmsagent.test.plugins is not set: run this as a failsafe IT (mvn verify)");
        }
        return Path.of(dir);
    }

    /** The built jar of one family. */
    public static Path built(String familyId) throws IOException {
        try (Stream<Path> files = Files.list(builtPlugins())) {
            return files.filter(p -> p.getFileName().toString().startsWith(familyId + "-"))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("no built jar for " + familyId + " in " + builtPlugins()));
        }
    }

    /** Copies the built jars of these families into {@code dir}. */
    public static void copyBuilt(Path dir, String... familyIds) throws IOException {
        Files.createDirectories(dir);
        for (String id : familyIds) {
            Path jar = built(id);
            Files.copy(jar, dir.resolve(jar.getFileName()));
        }
    }

    /** Reads one entry of a jar. */
    public static byte[] entry(Path jar, String name) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry e = file.getJarEntry(name);
            if (e == null) {
                throw new IOException(name + " not in " + jar);
            }
            try (InputStream in = file.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }

    /**
     * Writes a copy of {@code source} to {@code target}: entries in {@code replace} are replaced (a null value
     * removes the entry, a new name adds it), and manifest attributes in {@code manifest} are set.
     */
    public static Path variant(Path source, Path target, Map<String, byte[]> replace, Map<String, String> manifest)
            throws IOException {
        Map<String, byte[]> pending = new HashMap<>(replace);
        try (JarFile in = new JarFile(source.toFile())) {
            Manifest mf = new Manifest(in.getManifest());
            manifest.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
            try (OutputStream os = Files.newOutputStream(target);
                    JarOutputStream out = new JarOutputStream(os, mf)) {
                Enumeration<JarEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    if (e.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    if (pending.containsKey(e.getName())) {
                        byte[] data = pending.remove(e.getName());
                        if (data != null) {
                            write(out, e.getName(), data);
                        }
                        continue;
                    }
                    try (InputStream data = in.getInputStream(e)) {
                        write(out, e.getName(), data.readAllBytes());
                    }
                }
                for (Map.Entry<String, byte[]> added : pending.entrySet()) {
                    if (added.getValue() != null) {
                        write(out, added.getKey(), added.getValue());
                    }
                }
            }
        }
        return target;
    }

    /**
     * Writes a jar from nothing: a manifest of these main attributes ({@code Manifest-Version} added) and these
     * entries. For a plugin whose failure comes before its catalog is read, no built jar is needed.
     */
    public static Path write(Path target, Map<String, String> manifest, Map<String, byte[]> entries)
            throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
        try (OutputStream os = Files.newOutputStream(target);
                JarOutputStream out = new JarOutputStream(os, mf)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                write(out, e.getKey(), e.getValue());
            }
        }
        return target;
    }

    /**
     * Writes plugin {@code pluginId} 1.0.0 from nothing, its one extension {@code extension} (say, a family whose
     * constructor throws).
     */
    public static Path writeWithExtension(Path target, String pluginId, Class<?> extension) throws IOException {
        return write(
                target,
                Map.of("Plugin-Id", pluginId, "Plugin-Version", "1.0.0"),
                extension(extension, classBytes(extension)));
    }

    /** Writes plugin {@code pluginId} 1.0.0 from nothing, its {@code Plugin-Class} the one class in it. */
    public static Path writeWithPluginClass(Path target, String pluginId, Class<?> pluginClass) throws IOException {
        return write(
                target,
                Map.of("Plugin-Id", pluginId, "Plugin-Version", "1.0.0", "Plugin-Class", pluginClass.getName()),
                Map.of(classFile(pluginClass), classBytes(pluginClass)));
    }

    /**
     * The entries of a jar whose one extension is {@code extension}: its class file, {@code classFile}, and {@code
     * META-INF/extensions.idx} listing it.
     */
    public static Map<String, byte[]> extension(Class<?> extension, byte[] classFile) {
        return Map.of(
                "META-INF/extensions.idx",
                (extension.getName() + "\n").getBytes(StandardCharsets.UTF_8),
                classFile(extension),
                classFile);
    }

    /** A jar entry's name for a class, e.g. {@code org/example/Family.class}. */
    public static String classFile(Class<?> type) {
        return type.getName().replace('.', '/') + ".class";
    }

    /** The bytes of a compiled test class, to put inside a plugin jar. */
    public static byte[] classBytes(Class<?> type) throws IOException {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }

    private static void write(JarOutputStream out, String name, byte[] data) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(data);
        out.closeEntry();
    }
}
