package org.kmsagent.agent.simulate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether two groups of a fleet give one machine name twice ({@code pc} × 3 gives pc-01 .. pc-03, and a group named
 * {@code pc-02} gives pc-02 again), found without listing every name of a group of a million: a group's names are one
 * template ({@link Scenario.MachineGroup#machineName}: the pattern, its number zero-padded to one width wherever the
 * pattern says {@code {n}}, else appended after a '-' when there are several), so every name of a group has the same
 * length and the same letters in the same places, and only groups whose templates agree there can meet. Of two such
 * groups the names of the smaller are tried, one by one in a reused buffer, against the other's template. Names are
 * compared as Windows compares computer names, ignoring case.
 */
final class MachineNames {
    private MachineNames() {}

    /**
     * A name two groups both give.
     *
     * @param later the index (in the list given) of the later group
     * @param earlier the index of the earlier group it clashes with
     * @param name the name, as the later group gives it
     * @param earlierName the name as the earlier group gives it (in other letter case, or the same)
     */
    record Clash(int later, int earlier, String name, String earlierName) {}

    /** For each group that gives a name an earlier one gives too, the first such earlier group and that name. */
    static List<Clash> clashes(List<Scenario.MachineGroup> groups) {
        List<Clash> out = new ArrayList<>();
        Map<String, List<Template>> byShape = new HashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            Template t = new Template(i, groups.get(i));
            List<Template> same = byShape.computeIfAbsent(t.shape(), k -> new ArrayList<>());
            for (Template earlier : same) {
                int[] numbers = shared(earlier, t);
                if (numbers != null) {
                    out.add(new Clash(i, earlier.index, t.name(numbers[1]), earlier.name(numbers[0])));
                    break;
                }
            }
            same.add(t);
        }
        return out;
    }

    /**
     * The numbers (1-based) of a machine of {@code a} and one of {@code b} of the same name, or null. Tries each name
     * of the smaller group against the other's template: at most the smaller count, each in time of the name's
     * length, nothing kept.
     */
    private static int[] shared(Template a, Template b) {
        for (int p = 0; p < a.chars.length; p++) {
            if (a.digit[p] < 0 && b.digit[p] < 0 && !same(a.chars[p], b.chars[p])) {
                return null; // a letter or digit both write differently: no name of one is the other's
            }
        }
        Template small = a.count <= b.count ? a : b;
        Template other = small == a ? b : a;
        char[] name = new char[small.chars.length];
        int[] digits = new int[other.width];
        for (int n = 1; n <= small.count; n++) {
            small.fill(n, name);
            int m = other.numberOf(name, digits);
            if (m > 0) {
                return small == a ? new int[] {n, m} : new int[] {m, n};
            }
        }
        return null;
    }

    private static boolean same(char x, char y) {
        return x == y || Character.toLowerCase(x) == Character.toLowerCase(y);
    }

    /** A group's names: each place a letter of the pattern, or a digit of the machine's number. */
    private static final class Template {
        final int index;
        final int count;
        /** The number's width: all numbers of a group have as many digits (leading zeros). */
        final int width;
        /** The pattern's character at each place that is no digit of the number. */
        final char[] chars;
        /** At each place, which digit of the number it is (0 the most significant), or -1 for the pattern's. */
        final int[] digit;
        /** Whether the names hold the number: false for a group of one machine without {n}, of one name. */
        final boolean numbered;

        Template(int index, Scenario.MachineGroup g) {
            this.index = index;
            this.count = g.count();
            // As machineName numbers them: the width of the count, at least two digits.
            this.width = Math.max(2, String.valueOf(count).length());
            String p = g.namePattern();
            StringBuilder text = new StringBuilder();
            List<Integer> digits = new ArrayList<>();
            if (p.contains("{n}")) {
                // Each {n} from the left, not overlapping (as String.replace finds them).
                int from = 0;
                for (int at = p.indexOf("{n}"); at >= 0; from = at + 3, at = p.indexOf("{n}", from)) {
                    literal(p.substring(from, at), text, digits);
                    number(text, digits);
                }
                literal(p.substring(from), text, digits);
            } else {
                literal(p, text, digits);
                if (count > 1) {
                    literal("-", text, digits);
                    number(text, digits);
                }
            }
            this.chars = text.toString().toCharArray();
            this.digit = digits.stream().mapToInt(Integer::intValue).toArray();
            this.numbered = digits.stream().anyMatch(k -> k >= 0);
        }

        private static void literal(String s, StringBuilder text, List<Integer> digits) {
            for (int i = 0; i < s.length(); i++) {
                text.append(s.charAt(i));
                digits.add(-1);
            }
        }

        private void number(StringBuilder text, List<Integer> digits) {
            for (int k = 0; k < width; k++) {
                text.append('0');
                digits.add(k);
            }
        }

        /**
         * What every name of the group has in common, and only a name of the same shape can equal one of its names:
         * its length, its letters (lower case) where they are, '#' for every digit, the pattern's or the number's.
         */
        String shape() {
            char[] s = new char[chars.length];
            for (int p = 0; p < s.length; p++) {
                char c = chars[p];
                s[p] = digit[p] >= 0 || (c >= '0' && c <= '9') ? '#' : Character.toLowerCase(c);
            }
            return new String(s);
        }

        /** The name of machine {@code n} (1-based) into {@code into}, as long as {@link #chars}. */
        void fill(int n, char[] into) {
            for (int p = 0; p < chars.length; p++) {
                int k = digit[p];
                if (k < 0) {
                    into[p] = chars[p];
                } else {
                    int v = n;
                    for (int i = width - 1; i > k; i--) {
                        v /= 10;
                    }
                    into[p] = (char) ('0' + v % 10);
                }
            }
        }

        /**
         * The number (1-based) of this group's machine that {@code name} is, or 0 when it is none of them; {@code
         * digits} a scratch array as long as {@link #width}.
         */
        int numberOf(char[] name, int[] digits) {
            if (name.length != chars.length) {
                return 0;
            }
            Arrays.fill(digits, -1);
            for (int p = 0; p < chars.length; p++) {
                int k = digit[p];
                char c = name[p];
                if (k < 0) {
                    if (!same(c, chars[p])) {
                        return 0;
                    }
                } else if (c < '0' || c > '9' || (digits[k] >= 0 && digits[k] != c - '0')) {
                    return 0;
                } else {
                    digits[k] = c - '0';
                }
            }
            if (!numbered) {
                return 1;
            }
            long n = 0;
            for (int k = 0; k < width; k++) {
                n = n * 10 + digits[k];
            }
            return n >= 1 && n <= count ? (int) n : 0;
        }

        /** Machine {@code n}'s name (1-based). */
        String name(int n) {
            char[] c = new char[chars.length];
            fill(n, c);
            return new String(c);
        }
    }
}
