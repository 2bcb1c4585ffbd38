package org.kmsagent.agent.report;

import java.util.List;
import java.util.Map;
import org.kmsagent.agent.simulate.WhatIfWatch;

/**
 * The what-if's findings as a report section: {@code section#what-if} with {@code table#what-if-pools} (one row per
 * crossing, {@code data-threshold}, {@code data-event}) and {@code table#what-if-lapses} (one row per lapse).
 */
public final class WhatIfSection {
    private WhatIfSection() {}

    public static String html(WhatIfWatch w, List<String> changes) {
        StringBuilder h = new StringBuilder("<section id=\"what-if\">\n<h2>What-if</h2>\n<ul class=\"changes\">");
        if (changes.isEmpty()) {
            h.append("<li>no changes: the fleet as it is</li>");
        }
        changes.forEach(c -> h.append("<li>").append(Html.escape(c)).append("</li>"));
        h.append("</ul>\n<table id=\"what-if-pools\"><thead><tr><th>host</th><th>pool</th><th>count at start</th>"
                + "<th>when</th><th>what</th></tr></thead><tbody>\n");
        for (Map.Entry<String, Integer> p : w.atStart().entrySet()) {
            String[] hp = p.getKey().split(" ", 2);
            for (WhatIfWatch.Crossing c : w.crossings()) {
                if (c.host().equals(hp[0]) && c.pool().equals(hp[1])) {
                    h.append("<tr data-threshold=\"")
                            .append(c.threshold())
                            .append("\" data-event=\"")
                            .append(c.below() ? "below-threshold" : "threshold-reached")
                            .append("\"><td>")
                            .append(Html.escape(hp[0]))
                            .append("</td><td>")
                            .append(Html.escape(hp[1]))
                            .append("</td><td>")
                            .append(p.getValue())
                            .append("</td><td>")
                            .append(Html.escape(w.when(c.at())))
                            .append("</td><td>")
                            .append(c.words())
                            .append(' ')
                            .append(c.threshold())
                            .append(" (count ")
                            .append(c.count())
                            .append(")</td></tr>\n");
                }
            }
        }
        h.append(
                "</tbody></table>\n<table id=\"what-if-lapses\"><thead><tr><th>when</th><th>machine</th><th>product</th>"
                        + "<th>lapse</th><th>licensed again</th></tr></thead><tbody>\n");
        for (WhatIfWatch.Lapse l : w.lapses()) {
            h.append("<tr><td>")
                    .append(Html.escape(w.when(l.at)))
                    .append("</td><td>")
                    .append(Html.escape(l.machine))
                    .append("</td><td>")
                    .append(Html.escape(l.sku))
                    .append("</td><td>")
                    .append(Html.escape(l.kind))
                    .append("</td><td>")
                    .append(l.licensedAgain == null ? "not by the end" : Html.escape(w.when(l.licensedAgain)))
                    .append("</td></tr>\n");
        }
        return h.append("</tbody></table>\n</section>\n").toString();
    }
}
