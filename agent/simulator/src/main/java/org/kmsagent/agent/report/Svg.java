package org.kmsagent.agent.report;

import java.util.Locale;

/**
 * A time chart drawn as inline SVG: a plot area with a time axis (days from the start) and a count axis with round
 * ticks. Elements carry classes (styled by the report's CSS, with dash patterns so that print in grey stays
 * readable; a host's count line has its style inline instead, see {@link HostLineStyle}) and {@code data-series}
 * attributes that tests and scripts can find.
 */
final class Svg {
    static final int WIDTH = 760;
    static final int HEIGHT = 220;
    static final int LEFT = 64;
    static final int RIGHT = 14;
    static final int TOP = 12;
    static final int BOTTOM = 44;

    private final StringBuilder out = new StringBuilder();
    private final double minutes;
    private final double yMax;

    /**
     * @param minutes the run's length in minutes (the x axis)
     * @param highest the largest value drawn; the y axis is rounded up from it
     * @param yTitle what the y axis counts, e.g. {@code machines counted}
     */
    Svg(String id, String cssClass, String pool, String label, double minutes, double highest, String yTitle) {
        this.minutes = Math.max(1, minutes);
        this.yMax = niceCeiling(Math.max(1, highest * 1.1));
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"")
                .append(Html.escape(id))
                .append("\" class=\"chart ")
                .append(cssClass)
                .append("\" data-pool=\"")
                .append(Html.escape(pool))
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"")
                .append(Html.escape(label))
                .append("\">\n");
        axes();
        double midY = TOP + (HEIGHT - TOP - BOTTOM) / 2.0;
        out.append("<text class=\"axis-title\" x=\"")
                .append(n((LEFT + WIDTH - RIGHT) / 2.0))
                .append("\" y=\"")
                .append(HEIGHT - 6)
                .append("\" text-anchor=\"middle\">days from the start</text>\n")
                .append("<text class=\"axis-title\" x=\"14\" y=\"")
                .append(n(midY))
                .append("\" text-anchor=\"middle\" ")
                .append("transform=\"rotate(-90 14 ")
                .append(n(midY))
                .append(")\">")
                .append(Html.escape(yTitle))
                .append("</text>\n");
    }

    double x(double minute) {
        return LEFT + (WIDTH - LEFT - RIGHT) * minute / minutes;
    }

    double y(double value) {
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / yMax;
    }

    static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private void axes() {
        double step = Math.max(1, niceStep(yMax / 4));
        for (double v = 0; v <= yMax + 1e-9; v += step) {
            out.append("<line class=\"grid\" x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(WIDTH - RIGHT)
                    .append("\" y1=\"")
                    .append(n(y(v)))
                    .append("\" y2=\"")
                    .append(n(y(v)))
                    .append("\"/>")
                    .append("<text class=\"tick\" x=\"")
                    .append(LEFT - 6)
                    .append("\" y=\"")
                    .append(n(y(v) + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(String.format(Locale.ROOT, "%,d", Math.round(v)))
                    .append("</text>\n");
        }
        double days = minutes / 1440;
        double dayStep = days <= 2 ? 0.25 : niceStep(days / 8);
        for (double d = 0; d <= days + 1e-9; d += dayStep) {
            double xx = x(d * 1440);
            // A label centred on the right edge would be cut in half by it: the last one ends there instead.
            String anchor = xx > WIDTH - RIGHT - 24 ? "end" : "middle";
            out.append("<line class=\"axis\" x1=\"")
                    .append(n(xx))
                    .append("\" x2=\"")
                    .append(n(xx))
                    .append("\" y1=\"")
                    .append(HEIGHT - BOTTOM)
                    .append("\" y2=\"")
                    .append(HEIGHT - BOTTOM + 4)
                    .append("\"/>")
                    .append("<text class=\"tick\" x=\"")
                    .append(n(xx))
                    .append("\" y=\"")
                    .append(HEIGHT - BOTTOM + 16)
                    .append("\" text-anchor=\"")
                    .append(anchor)
                    .append("\">day ")
                    .append(d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.2f", d))
                    .append("</text>\n");
        }
        out.append("<line class=\"axis\" x1=\"")
                .append(LEFT)
                .append("\" x2=\"")
                .append(WIDTH - RIGHT)
                .append("\" y1=\"")
                .append(HEIGHT - BOTTOM)
                .append("\" y2=\"")
                .append(HEIGHT - BOTTOM)
                .append("\"/>\n");
    }

    /** A shaded time span (an outage). */
    Svg span(double fromMinute, double toMinute, String series, String title) {
        out.append("<rect class=\"")
                .append(series)
                .append("\" data-series=\"")
                .append(series)
                .append("\" x=\"")
                .append(n(x(fromMinute)))
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(n(Math.max(1, x(toMinute) - x(fromMinute))))
                .append("\" height=\"")
                .append(HEIGHT - TOP - BOTTOM)
                .append("\"><title>")
                .append(Html.escape(title))
                .append("</title></rect>\n");
        return this;
    }

    /** A horizontal line at a value, labelled. */
    Svg level(double value, String series, String attrs, String label) {
        out.append("<line class=\"")
                .append(series)
                .append("\" data-series=\"")
                .append(series)
                .append("\" ")
                .append(attrs)
                .append(" x1=\"")
                .append(LEFT)
                .append("\" x2=\"")
                .append(WIDTH - RIGHT)
                .append("\" y1=\"")
                .append(n(y(value)))
                .append("\" y2=\"")
                .append(n(y(value)))
                .append("\"/>")
                .append("<text class=\"level-label\" x=\"")
                .append(WIDTH - RIGHT - 4)
                .append("\" y=\"")
                .append(n(y(value) - 4))
                .append("\" text-anchor=\"end\">")
                .append(Html.escape(label))
                .append("</text>\n");
        return this;
    }

    /**
     * A step line of {@code series} (drawn with {@code cssClass}): {@code values[i]} holds from {@code i * bucket} to {@code (i + 1) * bucket}; negative values are
     * gaps (nothing known yet).
     */
    Svg steps(double[] values, double bucketMinutes, String cssClass, String series, String attrs) {
        StringBuilder d = new StringBuilder();
        boolean drawing = false;
        int points = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0) {
                drawing = false;
                continue;
            }
            double x0 = x(i * bucketMinutes);
            double x1 = x(Math.min(minutes, (i + 1) * bucketMinutes));
            d.append(drawing ? " L" : (d.length() == 0 ? "M" : " M"))
                    .append(n(x0))
                    .append(' ')
                    .append(n(y(values[i])))
                    .append(" L")
                    .append(n(x1))
                    .append(' ')
                    .append(n(y(values[i])));
            drawing = true;
            points++;
        }
        out.append("<path class=\"")
                .append(cssClass)
                .append("\" data-series=\"")
                .append(series)
                .append("\" ")
                .append(attrs)
                .append(" data-points=\"")
                .append(points)
                .append("\" d=\"")
                .append(d)
                .append("\"/>\n");
        return this;
    }

    /** A stacked band between {@code lower} and {@code upper}, sampled at each bucket's end. */
    Svg band(double[] lower, double[] upper, double bucketMinutes, String cssClass, String series, String attrs) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < upper.length; i++) {
            d.append(i == 0 ? "M" : " L")
                    .append(n(x(Math.min(minutes, (i + 1) * bucketMinutes))))
                    .append(' ')
                    .append(n(y(upper[i])));
        }
        for (int i = lower.length - 1; i >= 0; i--) {
            d.append(" L")
                    .append(n(x(Math.min(minutes, (i + 1) * bucketMinutes))))
                    .append(' ')
                    .append(n(y(lower[i])));
        }
        out.append("<path class=\"")
                .append(cssClass)
                .append("\" data-series=\"")
                .append(series)
                .append("\" ")
                .append(attrs)
                .append(" d=\"")
                .append(d)
                .append(" Z\"/>\n");
        return this;
    }

    String end() {
        return out.append("</svg>").toString();
    }

    /** 1, 2, 5 × 10^k at or above v. */
    static double niceCeiling(double v) {
        double step = Math.max(1, niceStep(v / 4));
        return Math.ceil(v / step) * step;
    }

    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
        double f = raw / p;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return Math.max(nice * p, 1e-9);
    }
}
