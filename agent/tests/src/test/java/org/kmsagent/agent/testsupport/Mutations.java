package org.kmsagent.agent.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Inputs for the readers' fuzz tests: a valid seed document damaged a few times over (truncated, a range cut out,
 * bytes or tokens put in, lines swapped or repeated), or plain random text. Each test fixes its jqwik seed, so a run
 * is repeatable; a failing sample is printed whole by jqwik.
 */
public final class Mutations {
    /** Pieces that steer a YAML/JSON parser into its less common paths. */
    private static final List<String> TOKENS = List.of(
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"",
            "'",
            "\n",
            "  ",
            "- ",
            "&a ",
            "*a",
            "!!binary ",
            "!!java.lang.Object ",
            "? ",
            "|",
            ">",
            "#",
            "---\n",
            "...\n",
            "~",
            "null",
            "true",
            "-1",
            "9999999999999999999999",
            "1e400",
            "NaN",
            "0x1F",
            "\\u0000",
            "\u0000",
            "\uFFFF",
            "\uD800",
            "\t",
            "%YAML 1.2\n",
            "<<: *a\n",
            "${X}",
            "${KMSAGENT_NOPE}",
            "P9999999D",
            "-PT1H",
            "2026-13-45T99:99:99Z");

    private Mutations() {}

    /** One of the seeds, damaged one to four times, or (one time in eight) random text. */
    public static Arbitrary<String> damaged(List<String> seeds) {
        Arbitrary<String> mutated = Combinators.combine(
                        Arbitraries.of(seeds),
                        Arbitraries.longs().list().ofMinSize(1).ofMaxSize(4))
                .as((seed, ops) -> {
                    String s = seed;
                    for (long op : ops) {
                        s = mutate(s, op);
                    }
                    return s;
                });
        Arbitrary<String> random = Arbitraries.strings().all().ofMaxLength(300);
        return Arbitraries.frequencyOf(Tuple.of(7, mutated), Tuple.of(1, random));
    }

    /** Random bytes in the same spirit: a seed's UTF-8 with a few bytes flipped, or random bytes. */
    public static Arbitrary<byte[]> damagedBytes(List<String> seeds) {
        Arbitrary<byte[]> flipped = Combinators.combine(
                        Arbitraries.of(seeds),
                        Arbitraries.integers()
                                .between(0, Integer.MAX_VALUE)
                                .list()
                                .ofMinSize(1)
                                .ofMaxSize(6),
                        Arbitraries.bytes())
                .as((seed, positions, value) -> {
                    byte[] b = seed.getBytes(StandardCharsets.UTF_8);
                    for (int p : positions) {
                        if (b.length > 0) {
                            b[p % b.length] = (byte) (b[p % b.length] ^ (value == 0 ? 0x80 : value));
                        }
                    }
                    return b;
                });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        return Arbitraries.frequencyOf(Tuple.of(3, flipped), Tuple.of(1, random));
    }

    public static String mutate(String s, long op) {
        int n = s.length();
        int kind = (int) Math.floorMod(op, 7L);
        int at = n == 0 ? 0 : (int) Math.floorMod(op >>> 3, (long) n + 1);
        int len = (int) Math.floorMod(op >>> 23, 40L);
        String token = TOKENS.get((int) Math.floorMod(op >>> 33, (long) TOKENS.size()));
        switch (kind) {
            case 0:
                return s.substring(0, at);
            case 1:
                return s.substring(0, at) + s.substring(Math.min(n, at + len));
            case 2:
            case 3:
                return s.substring(0, at) + token + s.substring(at);
            case 4: {
                String[] lines = s.split("\n", -1);
                if (lines.length < 2) {
                    return s + token;
                }
                int i = (int) Math.floorMod(op >>> 13, (long) lines.length);
                int j = (int) Math.floorMod(op >>> 43, (long) lines.length);
                String t = lines[i];
                lines[i] = lines[j];
                lines[j] = t;
                return String.join("\n", lines);
            }
            case 5: {
                String[] lines = s.split("\n", -1);
                int i = (int) Math.floorMod(op >>> 13, (long) lines.length);
                return s + "\n" + lines[i];
            }
            default: {
                // Replace a digit run or a word near `at` with the token: values of the wrong kind or range.
                int end = Math.min(n, at + Math.max(1, len % 8));
                return s.substring(0, at) + token + s.substring(end);
            }
        }
    }
}
