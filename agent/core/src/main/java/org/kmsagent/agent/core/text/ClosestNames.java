package org.kmsagent.agent.core.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The one rule for answering a name that is not known, wherever one is typed: an edition ({@code kms-agent gvlk}, a
 * scenario's {@code edition:}), a command or an option of the command line. The names closest to it, in the same
 * words everywhere, and none when nothing is close: a far-fetched guess (a command that changes state offered for a
 * word that only looks like it) is worse than no guess.
 *
 * <p>Stateless and thread-safe.
 */
public final class ClosestNames {
    /** At most this many names are suggested: more would be a list to read, not a suggestion. */
    private static final int MAX_SUGGESTIONS = 3;
    /** A name is close when at most this share of its letters must change (edits over the longer length). */
    private static final double MAX_SCORE = 0.4;

    private ClosestNames() {}

    /**
     * Up to three of {@code names} nearest to {@code wanted}, compared without case and punctuation: those that contain
     * {@code wanted} whole, then those that hold each of its words (of two or more) in any order, then those within
     * 40% edits of the longer name, nearest first in each; none if nothing is reasonably
     * close, or {@code wanted} has no letter or digit (every name "contains" it).
     */
    public static List<String> closest(String wanted, List<String> names) {
        String w = normalise(wanted);
        if (w.isEmpty()) {
            return List.of();
        }
        record Candidate(String name, boolean contains, boolean allWords, double score) {}
        List<String> words = List.of(w.split(" "));
        List<Candidate> close = new ArrayList<>();
        for (String name : names) {
            String n = normalise(name);
            double longer = Math.max(1, Math.max(w.length(), name.length()));
            boolean contains = n.contains(w);
            // Every word typed, in another order: "Office 2021 Professional Plus" for Office LTSC Professional Plus
            // 2021, whose words Microsoft orders otherwise than the earlier releases'.
            // No more words than the name has, so what is compared below is no longer than the name.
            List<String> nameWords = List.of(n.split(" "));
            boolean allWords =
                    !contains && words.size() > 1 && words.size() <= nameWords.size() && nameWords.containsAll(words);
            int distance;
            if (contains) {
                distance = n.length() - w.length(); // w inserted into: exactly the letters around it
            } else if (!allWords && Math.abs(n.length() - w.length()) / longer > MAX_SCORE) {
                continue; // at least that many edits: not close, and a runaway input is not compared letter by letter
            } else {
                distance = distance(w, n);
            }
            double score = distance / longer;
            if (score <= MAX_SCORE || contains || allWords) {
                close.add(new Candidate(name, contains, allWords, score));
            }
        }
        return close.stream()
                // A name that holds the whole of what was typed before one a few edits away: "Windows Server 2022"
                // is an edition's name cut short, and its Datacenter was left out for 2008 R2 Web, three letters off.
                // Then one that holds every word typed, in any order, before one that is only a few letters off.
                .sorted(Comparator.comparing((Candidate c) -> !c.contains())
                        .thenComparing(c -> !c.allWords())
                        .thenComparingDouble(Candidate::score))
                .limit(MAX_SUGGESTIONS)
                .map(Candidate::name)
                .toList();
    }

    /** The suggestion in words: {@code did you mean 'A' or 'B'?}; {@code names} not empty. */
    public static String didYouMean(List<String> names) {
        return "did you mean "
                + String.join(" or ", names.stream().map(n -> "'" + n + "'").toList()) + "?";
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").strip();
    }

    /** Edits from one to the other: letters inserted, deleted, changed, or two neighbours swapped (each one edit). */
    private static int distance(String a, String b) {
        // Three rows: two letters typed the wrong way round ("hbu" for hub) are one edit, not two, which in a short
        // word was the difference between a suggestion and none.
        int[] before = new int[b.length() + 1];
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    cur[j] = Math.min(cur[j], before[j - 2] + 1);
                }
            }
            int[] t = before;
            before = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
