package org.kmsagent.agent.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The live objects of this JVM by class (the JVM's {@code GC.class_histogram}, taken after a full collection), and
 * what grew between two of them per connection: where a benchmark's bytes per connection go. Diagnostic only: the
 * fleet benchmark prints it when run with {@code -Dkmsagent.bench.histogram=true} (docs/performance.md).
 *
 * @param classes live bytes and instances per class name
 */
record ClassHistogram(Map<String, long[]> classes) {
    /** The system property that turns the per-class breakdown on. */
    static final String PROPERTY = "kmsagent.bench.histogram";

    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** Whether the breakdown was asked for. */
    static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** The live objects now (a full collection first). */
    static ClassHistogram take() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
        return parse(text);
    }

    /** Parses the JVM's histogram text: {@code num: instances bytes class-name (module)}. */
    static ClassHistogram parse(String text) {
        Map<String, long[]> classes = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                classes.merge(m.group(3), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(1))}, (a, b) ->
                        new long[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        return new ClassHistogram(classes);
    }

    /**
     * The {@code top} classes that grew most from {@code before} to this one, as lines of bytes and instances per
     * connection, followed by the total over all classes.
     */
    List<String> growthPer(ClassHistogram before, int connections, int top) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : classes.entrySet()) {
            long[] was = before.classes.getOrDefault(e.getKey(), new long[2]);
            long bytes = e.getValue()[0] - was[0];
            total += bytes;
            grown.add(Map.entry(e.getKey(), new long[] {bytes, e.getValue()[1] - was[1]}));
        }
        for (Map.Entry<String, long[]> e : before.classes.entrySet()) {
            if (!classes.containsKey(e.getKey())) {
                total -= e.getValue()[0];
            }
        }
        grown.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(top, grown.size()))) {
            lines.add(String.format(
                    "%8.0f B %6.2f objects  %s",
                    e.getValue()[0] / (double) connections, e.getValue()[1] / (double) connections, e.getKey()));
        }
        lines.add(String.format("%8.0f B in all classes", total / (double) connections));
        return lines;
    }
}
