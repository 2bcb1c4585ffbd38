package org.kmsagent.agent.plugin;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.api.PluginApi;
import org.kmsagent.api.ProductFamily;
import org.kmsagent.api.ProductKey;
import org.pf4j.DefaultVersionManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.JarPluginManager;
import org.pf4j.LegacyExtensionFinder;
import org.pf4j.Plugin;
import org.pf4j.PluginFactory;
import org.pf4j.PluginManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginStateListener;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads product-family plugins from a directory of jars with PF4J, validates each, and admits the good ones to the
 * {@link FamilyRegistry}.
 *
 * <p>Every step that runs plugin code or reads a plugin file is guarded: a corrupt jar, a missing extension, an
 * invalid catalog, a duplicate id or an exception while starting becomes a {@link PluginProblem} naming the jar and
 * the reason, the plugin is unloaded again, and the others load. {@link #rescan()} picks up jars added (or
 * changed, after a failed load) since the last scan.
 *
 * <p>Blocking (file IO, class loading): call it off the event loop. Methods are synchronized: one load at a time.
 */
@Singleton
public final class PluginHost implements AutoCloseable {
    /**
     * The plugin-API version this agent offers; PF4J checks each plugin's {@code Plugin-Requires} against it. It is
     * the root pom's {@code kmsagent.api.version}: bump that with every change to {@code plugin-api}.
     */
    public static final String API_VERSION = PluginApi.VERSION;

    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    private final Path directory;
    private final FamilyRegistry registry;
    private final CatalogReader catalogReader;
    private final PluginManager manager;
    private final PluginSignatures signatures;
    private final BundledFamilies bundled;
    private final Map<Path, FileTime> scanned = new HashMap<>();
    private final Map<Path, PluginProblem> problems = new HashMap<>();
    private final Map<Path, SkippedFile> skipped = new TreeMap<>();
    private final Map<String, Path> loadedFrom = new HashMap<>();
    /** Jars whose load passed the deadline and has not returned yet, by the plugin id they declare. */
    private final Map<String, Path> overdue = new HashMap<>();

    private final ProblemReport problemReport;

    /** Where the host reports a jar it could not load, besides keeping it in {@link #problems()}. */
    public enum ProblemReport {
        /** Logged at ERROR as it fails: the agent's log ({@code kms-agent run}, the service). */
        LOG,
        /**
         * Only kept in {@link #problems()}: a command that prints them itself (the {@code warning: plugin not loaded}
         * lines of {@code kms-agent products}), which a logged line would only repeat.
         */
        CALLER
    }

    /** A host that does not check signatures, loading every jar in file name order (no bundled family first). */
    public PluginHost(Path directory, FamilyRegistry registry, CatalogReader catalogReader) {
        this(directory, registry, catalogReader, PluginSignatures.notChecked());
    }

    /** A host that loads only the jars {@code signatures} accepts (every load and rescan asks it first). */
    public PluginHost(
            Path directory, FamilyRegistry registry, CatalogReader catalogReader, PluginSignatures signatures) {
        this(directory, registry, catalogReader, signatures, ProblemReport.LOG, BundledFamilies.none());
    }

    /**
     * As {@link #PluginHost(Path, FamilyRegistry, CatalogReader, PluginSignatures)}, its problems reported so, and the
     * jars of the {@code bundled} families loaded first at start.
     */
    @Inject
    public PluginHost(
            @PluginsDirectory Path directory,
            FamilyRegistry registry,
            CatalogReader catalogReader,
            PluginSignatures signatures,
            ProblemReport problemReport,
            BundledFamilies bundled) {
        this.problemReport = problemReport;
        this.bundled = bundled;
        this.directory = directory.toAbsolutePath().normalize();
        this.registry = registry;
        this.catalogReader = catalogReader;
        this.signatures = signatures;
        JarPluginManager jars = new JarPluginManager(this.directory) {
            @Override
            protected ExtensionFinder createExtensionFinder() {
                ExtensionFinder finder = new PluginJarsOnly(this);
                addPluginStateListener((PluginStateListener) finder);
                return finder;
            }

            @Override
            protected PluginFactory createPluginFactory() {
                return new PluginClassFactory();
            }
        };
        jars.setSystemVersion(API_VERSION);
        this.manager = jars;
    }

    /** The directory plugins are loaded from. */
    public Path directory() {
        return directory;
    }

    /**
     * PF4J's extension index reader, limited to the plugins' own jars. PF4J's own also reads {@code
     * META-INF/extensions.idx} from every jar of the agent's class path, again each time a plugin starts: for eight
     * plugins, eight scans of the class path's 50 jars at every start (docs/performance-log.md). The agent's class path
     * holds no family (the agent names no plugin), so there is nothing there to find.
     */
    private static final class PluginJarsOnly extends LegacyExtensionFinder {
        PluginJarsOnly(PluginManager manager) {
            super(manager);
        }

        @Override
        public Map<String, Set<String>> readClasspathStorages() {
            return Map.of();
        }
    }

    /**
     * Creates each plugin's {@code Plugin-Class} instance (PF4J asks for it, through {@link PluginWrapper#getPlugin()},
     * when the plugin starts), failing with the reason where PF4J's own factory logs a stack trace on standard error
     * of every command and returns null, on which PF4J then fails with a NullPointerException of its own. As PF4J's:
     * the class from the plugin's loader, a public constructor taking the {@link PluginWrapper} (deprecated in PF4J,
     * still used) or else none.
     */
    private static final class PluginClassFactory implements PluginFactory {
        @Override
        public Plugin create(PluginWrapper wrapper) {
            String name = wrapper.getDescriptor().getPluginClass();
            Class<?> type;
            try {
                type = Class.forName(name, false, wrapper.getPluginClassLoader());
            } catch (ClassNotFoundException e) {
                throw new PluginNotCreated("Plugin-Class " + BoundedInput.shown(name) + " is not in the jar");
            } catch (LinkageError e) {
                throw new PluginNotCreated(name + " could not be created: " + reason(e));
            }
            int modifiers = type.getModifiers();
            if (!Plugin.class.isAssignableFrom(type) || Modifier.isAbstract(modifiers)) {
                throw new PluginNotCreated("Plugin-Class " + name
                        + (Plugin.class.isAssignableFrom(type) ? " is abstract" : " does not extend org.pf4j.Plugin")
                        + " (name the plugin's own subclass of it, or leave Plugin-Class out)");
            }
            try {
                Constructor<?> constructor;
                Object[] arguments;
                try {
                    constructor = type.getConstructor(PluginWrapper.class);
                    arguments = new Object[] {wrapper};
                } catch (NoSuchMethodException noWrapper) {
                    constructor = type.getConstructor();
                    arguments = new Object[0];
                }
                return (Plugin) constructor.newInstance(arguments);
            } catch (NoSuchMethodException e) {
                throw new PluginNotCreated(
                        name + " could not be created: it has no public constructor without parameters");
            } catch (InvocationTargetException e) {
                // What the constructor threw, not the reflection's wrapper around it.
                throw new PluginNotCreated(name + " could not be created: " + reason(e.getCause()));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                throw new PluginNotCreated(name + " could not be created: " + reason(e));
            }
        }
    }

    /** A plugin's {@code Plugin-Class} could not be created; the message is the reason, as a refusal gives it. */
    private static final class PluginNotCreated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PluginNotCreated(String reason) {
            super(reason, null, false, false);
        }
    }

    /** What the host checks of a jar's signatures before loading it. */
    public PluginSignatures signatures() {
        return signatures;
    }

    /** The registry the loaded families are admitted to. */
    public FamilyRegistry registry() {
        return registry;
    }

    /**
     * The entries of the plugins folder, at the last scan, that look meant as plugins but are no jar (a .zip, a
     * folder), ordered by name. Not {@link #problems()}: no plugin failed. Other files (a README) are not named.
     */
    public synchronized List<SkippedFile> skipped() {
        return List.copyOf(skipped.values());
    }

    /** Problems of the jars that failed, latest attempt per jar, ordered by file name. */
    public synchronized List<PluginProblem> problems() {
        List<PluginProblem> list = new ArrayList<>(problems.values());
        list.sort((a, b) ->
                a.jar().getFileName().toString().compareTo(b.jar().getFileName().toString()));
        return list;
    }

    /**
     * {@link #problems()} by plugin id (a jar whose id could not be read by its file name), in the same order. A plugin
     * id none of whose jars loaded is a failed plugin ({@link #failedPlugins}); a jar of a loaded plugin's id (a copy,
     * another version) is a note of that plugin, whose products are kept activated all the same.
     */
    public synchronized Map<String, List<PluginProblem>> problemsById() {
        Map<String, List<PluginProblem>> byId = new LinkedHashMap<>();
        for (PluginProblem p : problems()) {
            byId.computeIfAbsent(p.pluginId().orElse(p.jar().getFileName().toString()), id -> new ArrayList<>())
                    .add(p);
        }
        return byId;
    }

    /**
     * The plugin ids none of whose jars loaded, in {@link #problems()}'s order: what {@code ctl plugins} shows as
     * FAILED, {@code kmsagent_plugin_load_failures} counts and the start banner calls failed.
     */
    public synchronized List<String> failedPlugins() {
        Set<String> loaded = new HashSet<>();
        registry.families().forEach(f -> loaded.add(f.pluginId()));
        return problemsById().keySet().stream()
                .filter(id -> !loaded.contains(id))
                .toList();
    }

    /**
     * Loads every jar in the directory that is not loaded: new, changed, unloaded, or failed before (whatever failed is
     * tried again). The first call loads everything.
     *
     * @return the families admitted by this scan
     */
    public synchronized List<LoadedFamily> rescan() {
        List<LoadedFamily> admitted = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            log.warn("plugins directory {} does not exist; no product family is loaded", directory);
            return admitted;
        }
        List<Path> sorted = new ArrayList<>();
        Map<Path, SkippedFile> notLoaded = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                // .jar in any case: Windows file names are, and PF4J loads ACME.JAR as well.
                String name = p.getFileName().toString();
                String lower = name.toLowerCase(Locale.ROOT);
                if (Files.isDirectory(p)) {
                    if (!name.startsWith(".")) { // a tool's own (.git), not meant as a plugin
                        notLoaded.put(
                                p,
                                new SkippedFile(
                                        p,
                                        A_FOLDER
                                                + "; plugins load from the .jar files directly in the plugins folder"));
                    }
                } else if (lower.endsWith(".jar")) {
                    sorted.add(p);
                } else if (lower.endsWith(".zip")) {
                    notLoaded.put(p, new SkippedFile(p, "not a plugin jar; plugins load from .jar files only"));
                }
            }
        } catch (IOException e) {
            log.error("cannot list plugins directory {}: {}", directory, e.toString());
            return admitted;
        }
        // Told, but no problem of a plugin: not FAILED in ctl plugins, not counted by kmsagent_plugin_load_failures,
        // whose alert (KmsAgentPluginFailed, critical) means products not renewed. A .zip or a folder beside the jars
        // (a download, a backup) costs no family, and paging someone for it would teach them to ignore that alert.
        notLoaded.forEach((p, why) -> {
            if (problemReport == ProblemReport.LOG && !why.equals(skipped.get(p))) {
                log.warn("plugins folder {}: {}", directory, why.message());
            }
        });
        skipped.clear();
        skipped.putAll(notLoaded);
        // A jar that failed and has since been removed is no problem any more: its FAILED entry, the failures gauge
        // and the alert on it went only at a restart.
        problems.keySet()
                .removeIf(jar -> jar.startsWith(directory.toAbsolutePath().normalize()) && !Files.exists(jar));
        scanned.keySet().removeIf(jar -> !Files.exists(jar));
        // The bundled families first, so that a catalog clashing with one of theirs is the one refused; of two jars
        // with one plugin id, the higher Plugin-Version (the other is then refused naming both). Both whatever the
        // files are called: a stray copy, an older jar or a jar reusing a bundled key never displaces a bundled
        // family. Each manifest read once per scan: for the order here, and for the load.
        Map<Path, Descriptor> declared = descriptors(sorted);
        List<Path> jars = inLoadOrder(sorted, declared, bundled);
        for (Path jar : jars) {
            FileTime modified = modifiedTime(jar);
            FileTime seen = scanned.get(jar);
            boolean loaded = loadedFrom.containsValue(jar);
            // A jar that failed is tried again though unchanged: its reason may have been another jar (its plugin id
            // or an edition taken by a plugin since unloaded or removed), and a rescan that kept saying so named a
            // jar no longer there.
            boolean failed = problems.containsKey(jar.toAbsolutePath().normalize());
            if (loaded || (seen != null && seen.equals(modified) && !failed)) {
                continue;
            }
            scanned.put(jar, modified);
            load(jar, declared.get(jar)).ifPresent(admitted::add);
        }
        return admitted;
    }

    /**
     * Loads one jar (it need not be in the plugins directory).
     *
     * @return the admitted family, or empty when the jar failed (see {@link #problems()})
     * @throws IllegalStateException when a plugin is loaded from this jar already: a refused request, not a problem
     *     of the jar, so nothing is recorded and the loaded plugin is left as it was
     */
    public synchronized Optional<LoadedFamily> load(Path jar) {
        return load(jar, null);
    }

    /** {@link #load(Path)}, with the jar's manifest as a scan just read it (null: read it here). */
    private Optional<LoadedFamily> load(Path jar, Descriptor read) {
        Path path = jar.toAbsolutePath().normalize();
        for (Map.Entry<String, Path> e : loadedFrom.entrySet()) {
            if (e.getValue().equals(path)) {
                throw new IllegalStateException(path.getFileName() + " is already loaded (plugin " + e.getKey()
                        + "); unload it first to load it again");
            }
        }
        PluginProblem before = problems.remove(path);
        AtomicReference<String> loading = new AtomicReference<>();
        String pluginId = null;
        String declaredId = null;
        try {
            // The manifest first, which loads no class: a refusal says "(plugin <id>)" whatever its reason, the
            // signature's too. PF4J reports a jar without manifest or a second jar of one id with its internals, not
            // the reason.
            Descriptor declared = null;
            CatalogException unreadable = null;
            try {
                declared = read != null ? read : descriptor(path);
                declaredId = declared.id();
            } catch (CatalogException e) {
                unreadable = e;
            }
            // Before PF4J opens the jar: a refused jar has none of its classes loaded.
            signatures.verify(path);
            if (unreadable != null) {
                throw unreadable;
            }
            if (declared.refused() != null) {
                throw new CatalogException(declared.refused());
            }
            Path other = loadedFrom.get(declared.id());
            if (other != null) {
                throw new CatalogException("plugin id " + BoundedInput.shown(declared.id()) + " is in two jars: "
                        + other.getFileName() + " (loaded, kept) and " + path.getFileName() + "; remove one");
            }
            Path late = overdue.get(declared.id());
            if (late != null) {
                throw new CatalogException("plugin id " + BoundedInput.shown(declared.id()) + " is still held by the "
                        + "load of " + late.getFileName() + ", which passed its deadline and has not returned; it is "
                        + "unloaded when it returns, then load this again");
            }
            LoadedFamily family;
            try {
                family = withinDeadline(path, declared.id(), loading, () -> {
                    loading.set(manager.loadPlugin(path));
                    return start(loading.get(), path);
                });
            } finally {
                // An overdue load is undone by its own thread when it returns (undoOverdue), not here under its feet.
                pluginId = overdue.containsKey(declared.id()) ? null : loading.get();
            }
            registry.admit(family);
            loadedFrom.put(family.id(), path);
            log.info(
                    "loaded plugin {} {} from {}: {} editions",
                    family.id(),
                    family.pluginVersion(),
                    path.getFileName(),
                    family.catalog().skus().size());
            return Optional.of(family);
        } catch (Exception | LinkageError e) {
            PluginProblem problem =
                    new PluginProblem(path, Optional.ofNullable(pluginId != null ? pluginId : declaredId), reason(e));
            problems.put(path, problem);
            // Said once per reason: a jar tried again at each rescan for the same reason is not logged again.
            if (problemReport == ProblemReport.LOG && (before == null || !before.equals(problem))) {
                log.error("plugin not loaded: {}", problem.message());
            }
            if (pluginId != null && !loadedFrom.containsKey(pluginId)) {
                unloadQuietly(pluginId);
            }
            return Optional.empty();
        }
    }

    /**
     * How long loading and starting one plugin (its classes, its Plugin and ProductFamily constructors, start(), its
     * catalog) may take. A plugin that hangs is reported and skipped; its thread is abandoned (a daemon). If that
     * thread returns later, what it loaded is unloaded again (logged at WARN); until then its plugin id stays taken.
     */
    static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private Duration startDeadline = START_DEADLINE;

    /** For tests: another deadline. */
    void startDeadline(Duration deadline) {
        this.startDeadline = deadline;
    }

    /**
     * Runs {@code work} (which sets {@code loading} to the plugin id once PF4J has loaded the jar) on its own thread,
     * waiting at most the deadline. Past it, the load is marked overdue and abandoned; when the thread returns, it
     * undoes the load (see {@link #undoOverdue}).
     */
    private LoadedFamily withinDeadline(
            Path path, String declaredId, AtomicReference<String> loading, Callable<LoadedFamily> work)
            throws Exception {
        FutureTask<LoadedFamily> task = new FutureTask<>(work);
        Thread t = new Thread(
                () -> {
                    task.run();
                    undoOverdue(path, declaredId, loading.get());
                },
                "plugin-start-" + path.getFileName());
        t.setDaemon(true);
        t.start();
        try {
            return task.get(startDeadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Marked under this lock, which the thread takes to undo: it cannot return between the two unseen.
            overdue.put(declaredId, path);
            t.interrupt();
            throw new CatalogException("did not load and start within " + startDeadline.toSeconds()
                    + " s (a constructor " + "or start() that never returns); skipped");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            if (e.getCause() instanceof LinkageError le) {
                throw le;
            }
            throw e;
        }
    }

    /**
     * Called by a load's thread when it returns: if the load was abandoned at the deadline (and so reported not
     * loaded), the plugin it loaded into PF4J is stopped and unloaded, so that the jar can be loaded again. A load
     * that returned in time is left to {@link #load}.
     */
    private synchronized void undoOverdue(Path path, String declaredId, String pluginId) {
        if (!path.equals(overdue.get(declaredId))) {
            return;
        }
        overdue.remove(declaredId);
        log.warn(
                "plugin jar {} finished loading after its deadline, when it had been reported not loaded; {}",
                path,
                pluginId != null ? "unloading plugin " + pluginId + " again" : "PF4J did not load it");
        if (pluginId != null) {
            unloadQuietly(pluginId);
        }
    }

    /** Stops and unloads a family's plugin. Returns whether it was loaded. */
    public synchronized boolean unload(String familyId) {
        Path path = loadedFrom.remove(familyId);
        if (path == null) {
            return false;
        }
        registry.remove(familyId);
        unloadQuietly(familyId);
        scanned.remove(path);
        log.info("unloaded plugin {}", familyId);
        return true;
    }

    @Override
    public synchronized void close() {
        for (String id : List.copyOf(loadedFrom.keySet())) {
            unload(id);
        }
    }

    private LoadedFamily start(String pluginId, Path path) throws CatalogException {
        PluginWrapper wrapper = manager.getPlugin(pluginId);
        if (wrapper.getPluginState() == PluginState.DISABLED
                || !manager.getResolvedPlugins().contains(wrapper)) {
            throw new CatalogException("requires plugin API "
                    + wrapper.getDescriptor().getRequires() + " but this agent offers " + API_VERSION);
        }
        String pluginClass = wrapper.getDescriptor().getPluginClass();
        try {
            // Created here, by PluginClassFactory, so that a Plugin-Class that cannot be is refused with its reason;
            // startPlugin then starts this instance.
            wrapper.getPlugin();
        } catch (PluginNotCreated e) {
            throw new CatalogException(e.getMessage());
        }
        PluginState state;
        try {
            state = manager.startPlugin(pluginId);
        } catch (RuntimeException | LinkageError e) {
            // PF4J lets what the plugin's start() throws through as it is: said to be start()'s, with its type.
            throw new CatalogException(pluginClass + ".start() failed: " + reason(e));
        }
        if (state != PluginState.STARTED) {
            Throwable cause = wrapper.getFailedException();
            throw new CatalogException(
                    "failed to start" + (cause != null ? ": " + reason(cause) : " (state " + state + ")"));
        }
        ProductFamily extension = createFamily(pluginId, wrapper.getPluginClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(extension.getClass().getClassLoader());
        try {
            String id = extension.id();
            if (!pluginId.equals(id)) {
                throw new CatalogException("family id '" + id + "' must equal the plugin id '" + pluginId + "'");
            }
            require(extension.activationHandler(), "activationHandler()");
            URL catalogUrl = extension.catalogResource();
            if (catalogUrl == null) {
                // The usual slip: catalog.json at the jar's root, or not copied into it at all.
                throw new CatalogException(
                        "catalog resource not found: " + extension.getClass().getSimpleName()
                                + ".catalogResource() returned null (a CatalogFamily reads "
                                + extension.getClass().getPackageName().replace('.', '/') + "/catalog.json in the jar,"
                                + " beside its class)");
            }
            CatalogReader.ReadCatalog read = catalogReader.readWithGroups(id, catalogUrl);
            return LoadedFamily.of(
                    extension,
                    read.catalog(),
                    read.productGroups(),
                    pluginId,
                    wrapper.getDescriptor().getVersion(),
                    Optional.of(path));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The one ProductFamily the plugin's {@code META-INF/extensions.idx} lists, loaded and created here rather than by
     * PF4J's {@code getExtensions}: for a class that fails to load or a constructor that throws, that logs a stack
     * trace (on standard error of every command) and leaves the extension out, so that the cause was nowhere in the
     * reason. Classes of the index that are no ProductFamily are left alone, as PF4J does.
     */
    private ProductFamily createFamily(String pluginId, ClassLoader loader) throws CatalogException {
        List<Class<? extends ProductFamily>> families = new ArrayList<>();
        for (String name : new TreeSet<>(manager.getExtensionClassNames(pluginId))) {
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                throw new CatalogException("extension " + BoundedInput.shown(name) + ", which META-INF/extensions.idx"
                        + " lists, is not in the jar");
            } catch (LinkageError e) {
                throw new CatalogException("extension " + name + " cannot be loaded: " + reason(e));
            }
            if (ProductFamily.class.isAssignableFrom(type)) {
                families.add(type.asSubclass(ProductFamily.class));
            }
        }
        if (families.isEmpty()) {
            throw new CatalogException("contributes no ProductFamily extension (is META-INF/extensions.idx missing, "
                    + "or does it list no ProductFamily class?)");
        }
        if (families.size() > 1) {
            throw new CatalogException("contributes " + families.size() + " ProductFamily extensions; a plugin "
                    + "contributes exactly one family");
        }
        Class<? extends ProductFamily> type = families.get(0);
        try {
            return manager.getExtensionFactory().create(type);
        } catch (PluginRuntimeException e) {
            // PF4J's factory wraps what the constructor threw (an exception; an error comes through as it is).
            throw new CatalogException(
                    type.getName() + " could not be created: " + reason(e.getCause() != null ? e.getCause() : e));
        } catch (RuntimeException | LinkageError e) {
            throw new CatalogException(type.getName() + " could not be created: " + reason(e));
        }
    }

    private static <T> T require(T value, String what) throws CatalogException {
        if (value == null) {
            throw new CatalogException(what + " returned null");
        }
        return value;
    }

    private void unloadQuietly(String pluginId) {
        try {
            if (manager.getPlugin(pluginId) != null) {
                manager.stopPlugin(pluginId);
                manager.unloadPlugin(pluginId);
            }
        } catch (Exception | LinkageError e) {
            log.warn("plugin {} did not unload cleanly: {}", pluginId, e.toString());
        }
    }

    /**
     * What a jar's manifest declares, read without loading any of its classes.
     *
     * @param refused why the jar is refused though its Plugin-Id is valid (so that the refusal names the plugin), or
     *     null
     */
    private record Descriptor(String id, String version, String refused) {}

    /** Why a folder in the plugins folder is not loaded, whatever its name ({@code acme.jar} too). */
    private static final String A_FOLDER = "a folder, not a plugin jar";

    private static final String NOT_A_PLUGIN = "it is not a kms-agent plugin (a plugin's manifest names its Plugin-Id "
            + "and Plugin-Version; see docs/plugin-guide.md)";

    /**
     * A family id, which is its plugin id: one kebab-case name, since it names configuration sections
     * ({@code renewal.families.<id>}) and event-bus addresses, where two ids differing only by case would be two
     * families to the agent and one to an administrator.
     */
    public static final Pattern FAMILY_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /**
     * The jar's descriptor; a jar refused with a valid Plugin-Id gives it with the reason.
     *
     * @throws CatalogException the jar cannot be read, or names no valid Plugin-Id
     */
    private static Descriptor descriptor(Path jar) throws CatalogException {
        if (Files.isDirectory(jar)) {
            throw new CatalogException(A_FOLDER);
        }
        Manifest manifest;
        boolean holdsApi;
        try (JarFile file = new JarFile(jar.toFile())) {
            manifest = file.getManifest();
            holdsApi = file.stream().anyMatch(e -> e.getName().startsWith("org/kmsagent/api/"));
        } catch (ZipException e) {
            throw new CatalogException("not a jar (zip) file: " + e.getMessage());
        } catch (IOException e) {
            throw new CatalogException("cannot be read: " + e);
        }
        // PF4J would say only that the family's class loaders differ, and that the jar contributes no family.
        String apiInside = holdsApi
                ? "the jar holds the plugin API's own classes (org/kmsagent/api/…), which the agent gives every plugin:"
                        + " a copy inside the jar is another class to it. Build it with the plugin-api dependency in"
                        + " scope provided (docs/plugin-guide.md)"
                : null;
        if (manifest == null) {
            throw new CatalogException(
                    holdsApi ? apiInside : "the jar has no META-INF/MANIFEST.MF, so " + NOT_A_PLUGIN);
        }
        Attributes main = manifest.getMainAttributes();
        String id = main.getValue("Plugin-Id");
        if (id == null || id.isBlank()) {
            throw new CatalogException(
                    holdsApi ? apiInside : "its META-INF/MANIFEST.MF names no Plugin-Id, so " + NOT_A_PLUGIN);
        }
        if (!FAMILY_ID.matcher(id).matches()) {
            throw new CatalogException(
                    holdsApi
                            ? apiInside
                            : "Plugin-Id '" + BoundedInput.shown(id) + "' is not one kebab-case name (lower-case"
                                    + " letters and digits, words joined by '-', as windows-server-sac): it names the family's"
                                    + " configuration section and event-bus addresses");
        }
        // From here the id is valid: a refusal names the plugin.
        String version = main.getValue("Plugin-Version");
        String requires = main.getValue("Plugin-Requires");
        String refused = apiInside;
        if (refused == null && version != null && !isSemver(version)) {
            // Two jars of one id are told apart by it (the higher loads), and ctl plugins shows it.
            refused = "Plugin-Version '" + BoundedInput.shown(version) + "' is not a SemVer version"
                    + " (MAJOR.MINOR.PATCH, as 1.0.0 or 1.0.0-SNAPSHOT)";
        }
        if (refused == null && requires != null && !requires.isBlank() && !isVersionRange(requires)) {
            // PF4J's own words for it named neither the attribute nor what it expects ("Illegal character near …").
            refused = "Plugin-Requires '" + BoundedInput.shown(requires) + "' is not a version range"
                    + " of the plugin API (as >=" + API_VERSION + ")";
        }
        return new Descriptor(id, version, refused);
    }

    /** What each jar's manifest declares; a jar whose manifest is refused has none (its load reports why). */
    private static Map<Path, Descriptor> descriptors(List<Path> jars) {
        Map<Path, Descriptor> declared = new HashMap<>();
        for (Path jar : jars) {
            try {
                Descriptor d = descriptor(jar);
                if (d.refused() == null) {
                    declared.put(jar, d);
                }
            } catch (CatalogException refused) {
                // loaded in its turn, where the reason is reported
            }
        }
        return declared;
    }

    /**
     * The jars of the bundled families, then the others, each part in file-name order, except that of jars with one
     * plugin id the one of the highest Plugin-Version comes first, and of one version the one under the shipped name;
     * a jar whose manifest cannot be read, or is refused (its version no SemVer), goes with the others and is refused
     * when loaded.
     */
    private static List<Path> inLoadOrder(List<Path> byName, Map<Path, Descriptor> declared, BundledFamilies bundled) {
        List<Path> out = new ArrayList<>(byName.size());
        for (boolean ofBundled : new boolean[] {true, false}) {
            for (Path jar : byName) {
                Descriptor d = declared.get(jar);
                if ((d != null && bundled.contains(d.id())) == ofBundled) {
                    out.add(jar);
                }
            }
        }
        // Of one version, the jar named as the build ships it (<id>-<version>[-suffix].jar) before a copy.
        Comparator<Path> newestFirst = ((Comparator<Path>) (a, b) -> compareVersions(
                        declared.get(b).version(), declared.get(a).version()))
                .thenComparing(jar -> !shippedName(jar, declared.get(jar)));
        Map<String, List<Path>> byId = new HashMap<>();
        for (Path jar : byName) {
            if (declared.containsKey(jar)) {
                byId.computeIfAbsent(declared.get(jar).id(), id -> new ArrayList<>())
                        .add(jar);
            }
        }
        for (List<Path> same : byId.values()) {
            if (same.size() > 1) {
                List<Path> ranked = same.stream().sorted(newestFirst).toList();
                // The same places in the list, the newest in the first of them.
                List<Integer> places = same.stream().map(out::indexOf).sorted().toList();
                for (int i = 0; i < places.size(); i++) {
                    out.set(places.get(i), ranked.get(i));
                }
            }
        }
        return out;
    }

    /**
     * Whether a jar is named as a build names it: {@code <Plugin-Id>[-word...]-<Plugin-Version>[-suffix].jar}
     * ({@code windows-client-0.1.0.jar}, a third party's {@code windows-server-sac-plugin-1.0.0.jar}), where a copy
     * made beside it is not ({@code ... - Copy.jar}, {@code ... (1).jar}).
     */
    private static boolean shippedName(Path jar, Descriptor d) {
        return d.version() != null
                && Pattern.compile(Pattern.quote(d.id()) + "(-[A-Za-z0-9._]+)*?-" + Pattern.quote(d.version())
                                + "(-[A-Za-z0-9._-]+)?\\.(?i:jar)")
                        .matcher(jar.getFileName().toString())
                        .matches();
    }

    /** SemVer order, PF4J's; a version that is none (absent, "banana") is lower than any that is. */
    private static int compareVersions(String a, String b) {
        boolean aValid = isSemver(a);
        boolean bValid = isSemver(b);
        if (!aValid || !bValid) {
            return Boolean.compare(aValid, bValid);
        }
        return VERSIONS.compareVersions(a.strip(), b.strip());
    }

    private static boolean isSemver(String version) {
        if (version == null || version.isBlank()) {
            return false;
        }
        try {
            VERSIONS.compareVersions(version.strip(), version.strip());
            return true;
        } catch (RuntimeException notSemver) {
            return false;
        }
    }

    private static boolean isVersionRange(String range) {
        try {
            VERSIONS.checkVersionConstraint(API_VERSION, range.strip());
            return true;
        } catch (RuntimeException notARange) {
            return false;
        }
    }

    private static final DefaultVersionManager VERSIONS = new DefaultVersionManager();

    /**
     * Why a load failed, from what was thrown: a {@link CatalogException}'s own words; a class missing (from the jar,
     * or from this agent's plugin API) said as such; otherwise each exception of the chain by type and message, a
     * wrapper whose message only repeats its cause's left out.
     */
    private static String reason(Throwable e) {
        if (e instanceof CatalogException) {
            return e.getMessage();
        }
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Optional<String> missing = missingClass(t);
            if (missing.isPresent()) {
                return text.append(missingClassReason(missing.get(), t)).toString();
            }
            Throwable cause = t.getCause();
            boolean onlyWraps =
                    cause != null && cause != t && String.valueOf(cause).equals(t.getMessage());
            if (!onlyWraps) {
                text.append(t.getClass().getSimpleName())
                        .append(t.getMessage() != null ? ": " + t.getMessage() : "")
                        .append(cause != null && cause != t ? ": " : "");
            }
        }
        // A plugin's own exception messages are its author's text: one line, bounded, a key in them masked, since the
        // reason reaches the banner, ctl plugins, the hub's view and the log.
        return ProductKey.maskKeysIn(BoundedInput.reason(text.toString()));
    }

    /** A JVM class name, as a NoClassDefFoundError ({@code a/b/C}) or ClassNotFoundException ({@code a.b.C}) gives it. */
    private static final Pattern CLASS_NAME = Pattern.compile("[\\w$]+([./][\\w$]+)*");

    /** The class a NoClassDefFoundError or ClassNotFoundException says is missing. */
    private static Optional<String> missingClass(Throwable t) {
        if ((t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException)
                && t.getMessage() != null
                && CLASS_NAME.matcher(t.getMessage()).matches()) {
            return Optional.of(t.getMessage().replace('/', '.'));
        }
        return Optional.empty();
    }

    private static String missingClassReason(String className, Throwable t) {
        return "class " + className + " not found (" + t.getClass().getSimpleName() + "): "
                + (className.startsWith(PluginApi.class.getPackageName() + ".")
                        ? "the plugin was built against a plugin API newer than this agent's " + API_VERSION
                        : "a library the plugin uses is missing from the jar (unpack its private dependencies into it,"
                                + " docs/plugin-guide.md)");
    }

    private static FileTime modifiedTime(Path jar) {
        try {
            return Files.getLastModifiedTime(jar);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
