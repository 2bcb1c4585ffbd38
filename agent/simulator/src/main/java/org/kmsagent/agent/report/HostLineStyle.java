package org.kmsagent.agent.report;

import java.util.List;

/**
 * How the count chart draws one KMS host's line (each host keeps its own count, docs/kms-rules.md §1.2, so a chart has
 * one line per host), and the legend its key. The n-th host (from 0) has a dash pattern no other host has, however
 * many there are: solid, dashed, then a dash followed by n - 1 dots, so that the lines stay apart printed in grey; and
 * a colour from a cycle of six for the screen. Two hosts often count the same (clients ask both, or each the same
 * number): drawn at their values, one line would hide the other, so the n-th line is drawn {@code n × LIFT} pixels
 * higher, clear of the one below it, and the legend says so (the values in the markup stay exact).
 *
 * @param colour the stroke colour
 * @param dashes the SVG {@code stroke-dasharray}, empty for a solid line
 * @param lift how many pixels (SVG user units) above its values the line is drawn
 */
record HostLineStyle(String colour, String dashes, int lift) {
    // Apart from the chart's other colours: the threshold's red, the activations' green and the renewals' lilac.
    private static final List<String> COLOURS =
            List.of("#1f5fa8", "#0f8a8a", "#8a4f0f", "#6b2f8a", "#a3236b", "#3f4a56");
    private static final String DASH = "8 3";
    private static final String DOT = " 2 3";
    /** More than the line's width (2.2, report.css), so that a line lifted by it leaves the one below it visible. */
    static final int LIFT = 3;

    /** The style of the {@code n}-th host's line (from 0). */
    static HostLineStyle of(int n) {
        String dashes = n == 0 ? "" : DASH + DOT.repeat(n - 1);
        return new HostLineStyle(COLOURS.get(n % COLOURS.size()), dashes, n * LIFT);
    }

    /** The line's attributes: its inline {@code style}, and the {@code transform} that lifts it, if it is lifted. */
    String attributes() {
        return "style=\"" + css() + "\"" + (lift == 0 ? "" : " transform=\"translate(0 -" + lift + ")\"");
    }

    /** What the legend adds to the host's name: how high its line is drawn, if it is lifted. */
    String liftNote() {
        return lift == 0 ? "" : " (drawn " + lift + " px higher)";
    }

    /** As an inline {@code style} (no stylesheet can hold a pattern for every host). */
    private String css() {
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
