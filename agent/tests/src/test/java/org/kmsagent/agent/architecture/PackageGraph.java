package org.kmsagent.agent.architecture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which package uses which, with one class-to-class reference kept per edge to show where to look, and the cycles
 * among them: each group of packages that reach one another (Tarjan's strongly connected components), shown as one
 * concrete loop through the group.
 */
final class PackageGraph {
    private final Map<String, Map<String, String>> edges = new TreeMap<>();

    /** Records that class {@code from} uses class {@code to} (binary names); a package using itself is no edge. */
    void use(String from, String to) {
        String a = packageOf(from);
        String b = packageOf(to);
        edges.computeIfAbsent(a, k -> new TreeMap<>());
        edges.computeIfAbsent(b, k -> new TreeMap<>());
        if (!a.equals(b)) {
            edges.get(a).putIfAbsent(b, from + " uses " + to);
        }
    }

    Set<String> packages() {
        return edges.keySet();
    }

    /** One loop per cycle, e.g. {@code [a, b, a]}, each group reported once; empty when the graph is layered. */
    List<List<String>> cycles() {
        List<List<String>> loops = new ArrayList<>();
        for (Set<String> group : stronglyConnected()) {
            if (group.size() > 1) {
                loops.add(loopThrough(group));
            }
        }
        return loops;
    }

    /** The loop's edges with the reference that makes each, for the failure message. */
    String explain(List<String> loop) {
        StringBuilder b = new StringBuilder(String.join(" -> ", loop));
        for (int i = 0; i + 1 < loop.size(); i++) {
            b.append("\n    ").append(edges.get(loop.get(i)).get(loop.get(i + 1)));
        }
        return b.toString();
    }

    /** The shortest loop from the group's first package back to it, staying inside the group. */
    private List<String> loopThrough(Set<String> group) {
        String start = group.iterator().next();
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String p = queue.poll();
            for (String next : edges.get(p).keySet()) {
                if (!group.contains(next)) {
                    continue;
                }
                if (next.equals(start)) {
                    List<String> loop = new ArrayList<>(List.of(start));
                    for (String at = p; !at.equals(start); at = cameFrom.get(at)) {
                        loop.add(1, at);
                    }
                    loop.add(start);
                    return loop;
                }
                if (!cameFrom.containsKey(next)) {
                    cameFrom.put(next, p);
                    queue.add(next);
                }
            }
        }
        throw new IllegalStateException("no loop in a strongly connected group " + group);
    }

    private List<Set<String>> stronglyConnected() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> groups = new ArrayList<>();
        for (String p : edges.keySet()) {
            if (!index.containsKey(p)) {
                connect(p, index, low, stack, onStack, groups);
            }
        }
        return groups;
    }

    // Recursive: the graph has a few dozen packages, far from any stack limit.
    private void connect(
            String p,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<Set<String>> groups) {
        index.put(p, index.size());
        low.put(p, index.get(p));
        stack.push(p);
        onStack.add(p);
        for (String q : edges.get(p).keySet()) {
            if (!index.containsKey(q)) {
                connect(q, index, low, stack, onStack, groups);
                low.put(p, Math.min(low.get(p), low.get(q)));
            } else if (onStack.contains(q)) {
                low.put(p, Math.min(low.get(p), index.get(q)));
            }
        }
        if (low.get(p).equals(index.get(p))) {
            Set<String> group = new TreeSet<>(); // sorted: the same loop is reported on every run
            String q;
            do {
                q = stack.pop();
                onStack.remove(q);
                group.add(q);
            } while (!q.equals(p));
            groups.add(group);
        }
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** For tests of the graph itself. */
    static PackageGraph of(Map<String, List<String>> uses) {
        PackageGraph g = new PackageGraph();
        new TreeMap<>(uses).forEach((from, tos) -> tos.forEach(to -> g.use(from, to)));
        return g;
    }
}
