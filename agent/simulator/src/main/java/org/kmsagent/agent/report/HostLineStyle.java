package org.kmsagent.agent.report;

import java.util.List;

/**
 * How the count chart draws one KMS host's line (each host keeps its own count, docs/kms-rules.md §1.3, so a chart has
 * one line per host), and the legend its key. The n-th host (from 0) has a dash pattern no other host has, however
 * many there are: solid, dashed, then a dash followed by n - 1 dots, so that the lines stay apart printed in grey; and
 * a colour from a cycle of six for the screen.
 *
 * @param colour the stroke colour
 * @param dashes the SVG {@code stroke-dasharray}, empty for a solid line
 */
record HostLineStyle(String colour, String dashes) {
    // Apart from the chart's other colours: the threshold's red, the activations' green and the renewals' lilac.
    private static final List<String> COLOURS =
            List.of("#1f5fa8", "#0f8a8a", "#8a4f0f", "#6b2f8a", "#a3236b", "#3f4a56");
    private static final String DASH = "8 3";
    private static final String DOT = " 2 3";

    /** The style of the {@code n}-th host's line (from 0). */
    static HostLineStyle of(int n) {
        String dashes = n == 0 ? "" : DASH + DOT.repeat(n - 1);
        return new HostLineStyle(COLOURS.get(n % COLOURS.size()), dashes);
    }

    /** As an inline {@code style} (no stylesheet can hold a pattern for every host). */
    String css() {
        return "stroke:" + colour + (dashes.isEmpty() ? "" : ";stroke-dasharray:" + dashes);
    }

    /** The legend's key: a short line in this style, long enough to show the whole pattern once. */
    String key() {
        int length = 24;
        if (!dashes.isEmpty()) {
            int period = 0;
            for (String d : dashes.split(" ")) {
                period += Integer.parseInt(d);
            }
            length = Math.max(length, period + 8);
        }
        return "<svg class=\"swatch\" width=\"" + length + "\" height=\"8\" viewBox=\"0 0 " + length + " 8\">"
                + "<line x1=\"0\" y1=\"4\" x2=\"" + length + "\" y2=\"4\" style=\"" + css() + "\"/></svg>";
    }
}
