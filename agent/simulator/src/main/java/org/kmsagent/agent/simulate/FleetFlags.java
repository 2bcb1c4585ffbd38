package org.kmsagent.agent.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.simulate.ScenarioFile.GroupFile;
import org.kmsagent.agent.simulate.ScenarioFile.ProductFile;
import org.kmsagent.api.Sku;

/**
 * A fleet given by {@code kms-agent simulate}'s flags ({@code --clients}, {@code --servers}, {@code --office2010},
 * {@code --office2013}; null when not given, else 0 to {@link ScenarioReader#MAX_MACHINES} as the command reads them): each
 * a group of machines with the family's preferred edition,
 * arriving within one working day. Kept here, next to the scenario file form it builds, so the command needs no
 * access to that form.
 */
public record FleetFlags(Integer clients, Integer servers, Integer office2010, Integer office2013) {
    /**
     * The scenario of this fleet, validated by the reader as a file would be; problems are named after the flags.
     * The seed and days given on the command line are carried into the scenario.
     */
    public Scenario scenario(ScenarioReader reader, List<LoadedFamily> families, Long seed, Integer days)
            throws ScenarioException {
        return reader.validate("command line", file(families, seed, days));
    }

    private ScenarioFile file(List<LoadedFamily> families, Long seed, Integer days) throws ScenarioException {
        List<String> problems = new ArrayList<>();
        List<GroupFile> groups = new ArrayList<>();
        // Office PCs run a Windows client edition too, so it is needed whenever any of these groups is given.
        int needClient = Math.max(0, n(clients)) + Math.max(0, n(office2010)) + Math.max(0, n(office2013));
        String clientEdition = edition(
                families,
                "windows-client",
                n(clients) > 0 ? "--clients" : n(office2010) > 0 ? "--office2010" : "--office2013",
                needClient,
                problems,
                "Windows 11 Enterprise",
                "Windows 10 Enterprise");
        if (n(clients) > 0) {
            groups.add(group(
                    "client-{n}", n(clients), spacing(n(clients)), new ProductFile("windows-client", clientEdition)));
        }
        if (n(servers) > 0) {
            String e =
                    edition(families, "windows-server", "--servers", servers, problems, "Windows Server 2022 Standard");
            groups.add(group("server-{n}", n(servers), spacing(n(servers)), new ProductFile("windows-server", e)));
        }
        officePcs(families, "office2010", office2010, "Office 2010 Professional Plus", clientEdition, groups, problems);
        officePcs(families, "office2013", office2013, "Office 2013 Professional Plus", clientEdition, groups, problems);
        if (!problems.isEmpty()) {
            throw new ScenarioException("command line", problems);
        }
        String fleet = String.format(
                Locale.ROOT,
                "%,d clients, %,d servers, %,d Office 2010 PCs, %,d Office 2013 PCs",
                n(clients),
                n(servers),
                n(office2010),
                n(office2013));
        return new ScenarioFile(
                "Fleet from flags", fleet, seed, days, null, null, groups, null, null, null, null, null);
    }

    /**
     * {@code --office2010 N} or {@code --office2013 N}: N client PCs ({@code o2010-pc-01} …) with Windows and that
     * Office release; the flag is {@code --} and the family id.
     */
    private static void officePcs(
            List<LoadedFamily> families,
            String familyId,
            Integer count,
            String preferred,
            String clientEdition,
            List<GroupFile> groups,
            List<String> problems) {
        if (n(count) <= 0) {
            return;
        }
        String e = edition(families, familyId, "--" + familyId, count, problems, preferred);
        groups.add(group(
                "o" + familyId.substring("office".length()) + "-pc-{n}",
                n(count),
                spacing(n(count)),
                new ProductFile("windows-client", clientEdition),
                new ProductFile(familyId, e)));
    }

    /** Each group of a fleet by flags arrives within one 8-hour working day, evenly spaced (at least 1 s apart). */
    private static String spacing(int count) {
        return Math.max(1, 8 * 3600 / Math.max(1, count)) + "s";
    }

    private static GroupFile group(String name, int count, String every, ProductFile... products) {
        return new GroupFile(
                name, count, null, null, List.of(products), "0", every, null, null, null, null, null, null, null);
    }

    private static String edition(
            List<LoadedFamily> families,
            String familyId,
            String flag,
            Integer count,
            List<String> problems,
            String... preferred) {
        if (count == null || count <= 0) {
            return null;
        }
        Optional<LoadedFamily> f =
                families.stream().filter(x -> x.id().equals(familyId)).findFirst();
        if (f.isEmpty()) {
            problems.add(flag + ": the " + familyId + " plugin is not loaded");
            return null;
        }
        for (String p : preferred) {
            Optional<Sku> s = f.get().catalog().byName(p);
            if (s.isPresent() && s.get().skuId().isPresent()) {
                return s.get().name();
            }
        }
        return f.get().catalog().skus().stream()
                .filter(s -> s.skuId().isPresent())
                .map(Sku::name)
                .findFirst()
                .orElse(null);
    }

    private static int n(Integer v) {
        return v == null ? 0 : v;
    }
}
