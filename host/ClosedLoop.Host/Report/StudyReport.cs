using System.Net;
using ClosedLoop.Host.Studies;
using ScottPlot;

namespace ClosedLoop.Host.Report;

/// <summary>
/// One self-contained HTML file for a whole study, per session, group and condition: encounter Δz as mean ± SEM
/// over animals with each animal's own mean shown, the counts of encounters, deficits, trains (driven and sham) and
/// refusals (one count of trains when blinded: which codes drive their outputs would tell them apart) and the time in social contact, and each group compared with the first group of the study file (the
/// difference of means and Hedges' g, each with its 95 % interval). Conditions appear as the plan shows them:
/// codes in a blinded study.
/// </summary>
public static class StudyReport
{
    private static readonly Color[] Palette = [Colors.SeaGreen, Colors.OrangeRed, Colors.SteelBlue, Colors.DarkOrchid, Colors.DarkGoldenRod, Colors.Gray];

    /// <param name="leftOut">Sessions the statistics leave out, each with why in the words the reader may see.</param>
    /// <param name="unblinding">For a blinded study now unblinded: who did it, when and why, said at the top.</param>
    public static string Write(Study study, bool blinded, IReadOnlyList<AnimalSession> results, string folder, IReadOnlyList<string>? leftOut = null, string? unblinding = null)
    {
        Directory.CreateDirectory(folder);
        var groups = study.Animals.Select(a => a.Group).Distinct().ToList();
        var sessions = study.Sessions.SelectMany(s => s.Occurrences).Where(name => results.Any(r => r.Session == name)).ToList();
        var figures = new List<(string Title, byte[] Png)>();
        foreach (string session in sessions)
        {
            figures.Add(($"Encounter Δz in {session}: mean ± SEM over animals, each animal's mean as a dot", ByCondition(results.Where(r => r.Session == session).ToList(), groups)));
        }

        if (sessions.Count > 1)
        {
            figures.Add(("Encounter Δz across sessions (mean ± SEM over animals)", AcrossSessions(results, groups, sessions)));
        }

        string path = Path.Combine(folder, $"{study.Name}_study_report.html");
        File.WriteAllText(path, Html(study, blinded, results, groups, sessions, figures, leftOut ?? [], unblinding));
        return path;
    }

    /// <summary>
    /// The comparisons the report makes: in each session, condition and treatment, every other group against the
    /// study's first (animals of different treatments are never pooled: a treatment that restores a response would
    /// otherwise be measured as the spread of a group).
    /// </summary>
    public static IEnumerable<(string Session, string Condition, string Treatment, GroupComparison Comparison)> Comparisons(IReadOnlyList<AnimalSession> results, IReadOnlyList<string> groups)
    {
        foreach (var cell in results.GroupBy(r => (r.Session, r.Condition, r.Treatment)))
        {
            foreach (string other in groups.Skip(1))
            {
                yield return (cell.Key.Session, cell.Key.Condition, cell.Key.Treatment, GroupComparison.Of(
                    groups[0], [.. cell.Where(r => r.Group == groups[0]).Select(r => r.MeanDeltaZ)],
                    other, [.. cell.Where(r => r.Group == other).Select(r => r.MeanDeltaZ)]));
            }
        }
    }

    /// <summary>
    /// The seed's claim as contrasts, in each session and condition: for every other group and every other treatment,
    /// each treatment's effect within each group (treated against the study's first treatment) and the group ×
    /// treatment interaction (how much more the treatment changes that group than the first group).
    /// </summary>
    public static IEnumerable<(string Session, string Condition, string Group, string Treatment, GroupComparison InFirstGroup, GroupComparison InGroup, InteractionContrast Interaction)> TreatmentContrasts(
        IReadOnlyList<AnimalSession> results, IReadOnlyList<string> groups, IReadOnlyList<string> treatments)
    {
        foreach (var cell in results.GroupBy(r => (r.Session, r.Condition)))
        {
            double[] Means(string group, string treatment) => [.. cell.Where(r => r.Group == group && r.Treatment == treatment).Select(r => r.MeanDeltaZ)];
            foreach (string group in groups.Skip(1))
            {
                foreach (string treatment in treatments.Skip(1))
                {
                    yield return (cell.Key.Session, cell.Key.Condition, group, treatment,
                        GroupComparison.Of(treatments[0], Means(groups[0], treatments[0]), treatment, Means(groups[0], treatment)),
                        GroupComparison.Of(treatments[0], Means(group, treatments[0]), treatment, Means(group, treatment)),
                        InteractionContrast.Of(Means(groups[0], treatments[0]), Means(groups[0], treatment), Means(group, treatments[0]), Means(group, treatment)));
                }
            }
        }
    }

    /// <summary>
    /// Social recognition by session, group, treatment and condition, the animal as the unit: each animal's mean Δz to
    /// novel and to familiar partners, their difference and its contact-time index, summarised over the cell's
    /// animals that met both. Empty when no session's encounters were marked familiar and novel.
    /// </summary>
    public static IEnumerable<(string Session, string Group, string Treatment, string Condition, Summary Novel, Summary Familiar, Summary Difference, Summary ContactIndex)> RecognitionCells(IReadOnlyList<AnimalSession> results) =>
        results.Where(r => r.Recognition is not null).GroupBy(r => (r.Session, r.Group, r.Treatment, r.Condition)).Select(cell =>
        {
            var d = cell.Select(r => r.Recognition!).ToList();
            return (cell.Key.Session, cell.Key.Group, cell.Key.Treatment, cell.Key.Condition,
                Summary.Of([.. d.Select(x => x.NovelDeltaZ)]), Summary.Of([.. d.Select(x => x.FamiliarDeltaZ)]),
                Summary.Of([.. d.Select(x => x.DeltaZDifference)]), Summary.Of([.. d.Select(x => x.ContactIndex)]));
        });

    /// <summary>Below this many animals a cell, an interval is said to be too wide to tell much.</summary>
    public const int FewAnimals = 3;

    /// <summary>A bar per group and treatment (never pooled) in each condition, each animal's mean a dot on its bar.</summary>
    private static byte[] ByCondition(List<AnimalSession> results, List<string> groups)
    {
        var plot = new Plot();
        var conditions = results.Select(r => r.Condition).Distinct().Order(StringComparer.Ordinal).ToList();
        var series = results.Select(r => (r.Group, r.Treatment)).Distinct().OrderBy(s => groups.IndexOf(s.Group)).ThenBy(s => s.Treatment, StringComparer.Ordinal).ToList();
        bool oneTreatment = series.Select(s => s.Treatment).Distinct().Count() == 1;
        double width = 0.8 / series.Count;
        for (int g = 0; g < series.Count; g++)
        {
            var color = Palette[g % Palette.Length];
            string legend = oneTreatment ? series[g].Group : $"{series[g].Group} / {series[g].Treatment}";
            for (int c = 0; c < conditions.Count; c++)
            {
                var values = results.Where(r => r.Group == series[g].Group && r.Treatment == series[g].Treatment && r.Condition == conditions[c]).Select(r => r.MeanDeltaZ).Where(double.IsFinite).ToList();
                if (values.Count == 0)
                {
                    continue;
                }

                double x = c - 0.4 + width * (g + 0.5);
                var summary = Summary.Of(values);
                var bar = plot.Add.Bar(new Bar { Position = x, Value = summary.Mean, Error = double.IsFinite(summary.Sem) ? summary.Sem : 0, FillColor = color.WithAlpha(0.35), Size = width * 0.9 });
                var dots = plot.Add.ScatterPoints(values.Select((_, i) => x + (i - (values.Count - 1) / 2.0) * width * 0.12).ToArray(), [.. values]);
                dots.Color = color;
                dots.MarkerSize = 6;
                if (c == 0 || !plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Any(s => s.LegendText == legend))
                {
                    dots.LegendText = legend;
                }
            }
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, conditions.Count).Select(i => (double)i)], [.. conditions]);
        plot.Add.HorizontalLine(0, color: Colors.Gray.WithAlpha(0.5));
        plot.XLabel("condition");
        plot.YLabel("encounter Δz (animal mean)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(SessionReport.Width, SessionReport.Height, ImageFormat.Png);
    }

    private static byte[] AcrossSessions(IReadOnlyList<AnimalSession> results, List<string> groups, List<string> sessions)
    {
        var plot = new Plot();
        var conditions = results.Select(r => r.Condition).Where(c => c != "baseline").Distinct().Order(StringComparer.Ordinal).ToList();
        LinePattern[] patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
        MarkerShape[] markers = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle, MarkerShape.OpenSquare];
        bool oneTreatment = results.Select(r => r.Treatment).Distinct().Count() == 1;
        foreach (var cell in results.Where(r => r.Condition != "baseline").GroupBy(r => (r.Group, r.Treatment, r.Condition)).OrderBy(c => c.Key.Group).ThenBy(c => c.Key.Treatment, StringComparer.Ordinal).ThenBy(c => c.Key.Condition, StringComparer.Ordinal))
        {
            var points = sessions.Select((s, i) => (X: (double)i, Summary: Summary.Of([.. results.Where(r => r.Session == s && r.Group == cell.Key.Group && r.Treatment == cell.Key.Treatment && (r.Condition == cell.Key.Condition || r.Condition == "baseline") && cell.Any(c => c.AnimalId == r.AnimalId)).Select(r => r.MeanDeltaZ)])))
                .Where(p => p.Summary.N > 0).ToList();
            var color = Palette[groups.IndexOf(cell.Key.Group) % Palette.Length];
            var scatter = plot.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => p.Summary.Mean).ToArray());
            scatter.Color = color;
            int condition = conditions.IndexOf(cell.Key.Condition);
            scatter.LinePattern = patterns[condition % patterns.Length];
            scatter.MarkerShape = markers[condition % markers.Length];
            scatter.MarkerSize = 8;
            scatter.LegendText = oneTreatment ? $"{cell.Key.Group}, {cell.Key.Condition}" : $"{cell.Key.Group} / {cell.Key.Treatment}, {cell.Key.Condition}";
            var errors = plot.Add.ErrorBar(points.Select(p => p.X).ToArray(), points.Select(p => p.Summary.Mean).ToArray(), points.Select(p => double.IsFinite(p.Summary.Sem) ? p.Summary.Sem : 0).ToArray());
            errors.Color = color;
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, sessions.Count).Select(i => (double)i)], [.. sessions]);
        plot.XLabel("session (baseline: the same animals before their condition)");
        plot.YLabel("encounter Δz (mean over animals)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot.GetImageBytes(SessionReport.Width, SessionReport.Height, ImageFormat.Png);
    }

    private static string Html(Study study, bool blinded, IReadOnlyList<AnimalSession> results, List<string> groups, List<string> sessions, List<(string Title, byte[] Png)> figures, IReadOnlyList<string> leftOut, string? unblinding)
    {
        string E(string s) => WebUtility.HtmlEncode(s);
        string F(double v, string format = "0.00") => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        string Few(int nB, int nA) => $"{nB} vs {nA}" + (Math.Min(nA, nB) < FewAnimals ? "*" : string.Empty);
        var html = new StringBuilder();
        html.Append($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(study.Name)} study report</title>")
            .Append("<style>body{font-family:sans-serif;max-width:1040px;margin:2em auto;color:#222}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}img{max-width:100%}</style></head><body>")
            .Append($"<h1>Study {E(study.Name)}</h1>")
            .Append($"<p>{study.Animals.Count} animals in {groups.Count} groups ({E(string.Join(", ", groups.Select(g => $"{g}: {study.Animals.Count(a => a.Group == g)}")))}); ")
            .Append($"{results.Count} logged sessions of {results.Select(r => r.AnimalId).Distinct().Count()} animals. ")
            .Append(blinded ? "Blinded: conditions are shown by their codes.</p>" : $"{E(unblinding ?? "Not blinded.")}</p>");
        if (leftOut.Count > 0)
        {
            html.Append($"<h2>Sessions left out</h2><p>Not in any table or figure below ({leftOut.Count}):</p><ul>")
                .Append(string.Concat(leftOut.Select(l => $"<li>{E(l)}</li>"))).Append("</ul>");
        }

        // Blinded, driven and sham trains are one count: which codes drive their outputs would tell the conditions apart.
        // A baseline session runs every animal in sham, so its trains are said to be sham whatever the blinding.
        string trainHeads = blinded ? "<th>trains (driven or sham)</th>" : "<th>trains driven</th><th>sham trains</th>";
        string Trains(double driven, double sham, string format, bool baseline) =>
            blinded && baseline ? $"<td>{F(driven + sham, format)} sham (baseline)</td>"
            : blinded ? $"<td>{F(driven + sham, format)}</td>"
            : $"<td>{F(driven, format)}</td><td>{F(sham, format)}</td>";
        var treatments = study.Animals.Select(a => a.Treatment).Distinct().ToList();
        html.Append($"<h2>By session, group, treatment and condition</h2><table><tr><th>session</th><th>group</th><th>treatment</th><th>condition</th><th>animals</th><th>Δz mean ± SEM</th><th>encounters</th><th>deficits</th>{trainHeads}<th>refusals</th><th>contact (s)</th></tr>");
        foreach (string session in sessions)
        {
            foreach (var cell in results.Where(r => r.Session == session).GroupBy(r => (r.Group, r.Treatment, r.Condition))
                .OrderBy(c => groups.IndexOf(c.Key.Group)).ThenBy(c => treatments.IndexOf(c.Key.Treatment)).ThenBy(c => c.Key.Condition, StringComparer.Ordinal))
            {
                var dz = Summary.Of([.. cell.Select(r => r.MeanDeltaZ)]);
                string Mean(Func<AnimalSession, double> value) => F(cell.Average(value), "0.0");
                html.Append($"<tr><td>{E(session)}</td><td>{E(cell.Key.Group)}</td><td>{E(cell.Key.Treatment)}</td><td>{E(cell.Key.Condition)}</td><td>{cell.Count()}</td><td>{F(dz.Mean)} ± {F(dz.Sem)}</td>")
                    .Append($"<td>{Mean(r => r.Encounters)}</td><td>{Mean(r => r.Deficits)}</td>{Trains(cell.Average(r => r.TrainsDriven), cell.Average(r => r.TrainsSham), "0.0", cell.Key.Condition == Studies.StudyResults.BaselineLabel)}<td>{Mean(r => r.Refusals)}</td><td>{Mean(r => r.ContactS)}</td></tr>");
            }
        }

        html.Append("</table><p>Counts are means per animal. Δz: each animal's mean over its encounters' whole-window Δz, then mean ± SEM over animals.</p>");
        if (groups.Count > 1)
        {
            html.Append($"<h2>Groups compared with {E(groups[0])}, within each treatment</h2><table><tr><th>session</th><th>condition</th><th>treatment</th><th>group</th><th>n</th><th>Δz difference (95 % CI)</th><th>Hedges' g (95 % CI)</th></tr>");
            foreach (var (session, condition, treatment, c) in Comparisons(results, groups).OrderBy(c => sessions.IndexOf(c.Session)).ThenBy(c => c.Condition, StringComparer.Ordinal).ThenBy(c => treatments.IndexOf(c.Treatment)))
            {
                html.Append($"<tr><td>{E(session)}</td><td>{E(condition)}</td><td>{E(treatment)}</td><td>{E(c.B)} vs {E(c.A)}</td><td>{Few(c.OfB.N, c.OfA.N)}</td>")
                    .Append($"<td>{F(c.Difference)} ({F(c.DifferenceLow)} to {F(c.DifferenceHigh)})</td><td>{F(c.HedgesG)} ({F(c.GLow)} to {F(c.GHigh)})</td></tr>");
            }

            html.Append($"</table><p>Difference: Welch's 95 % interval; Hedges' g with its exact 95 % interval (noncentral t); '-' where a group has fewer than two animals; <b>n marked with *</b>: fewer than {FewAnimals} animals in a cell, too few for an interval to tell much.</p>");
        }

        if (groups.Count > 1 && treatments.Count > 1)
        {
            html.Append($"<h2>Treatment effects and the group × treatment interaction</h2><p>Within each group, each treatment against {E(treatments[0])}; the interaction is how much more the treatment changes the group than {E(groups[0])}: ")
                .Append($"(group treated − group {E(treatments[0])}) − ({E(groups[0])} treated − {E(groups[0])} {E(treatments[0])}), on the animals' means, with its Welch 95 % interval.</p>")
                .Append("<table><tr><th>session</th><th>condition</th><th>group</th><th>treatment</th><th>n (four cells)</th>")
                .Append($"<th>effect in {E(groups[0])}: g (95 % CI)</th><th>effect in the group: g (95 % CI)</th><th>interaction: Δz (95 % CI)</th></tr>");
            foreach (var (session, condition, group, treatment, first, other, interaction) in TreatmentContrasts(results, groups, treatments).OrderBy(c => sessions.IndexOf(c.Session)).ThenBy(c => c.Condition, StringComparer.Ordinal))
            {
                string cells = string.Join(", ", new[] { interaction.AUntreated.N, interaction.ATreated.N, interaction.BUntreated.N, interaction.BTreated.N }) + (interaction.SmallestCell < FewAnimals ? "*" : string.Empty);
                html.Append($"<tr><td>{E(session)}</td><td>{E(condition)}</td><td>{E(group)}</td><td>{E(treatment)}</td><td>{cells}</td>")
                    .Append($"<td>{F(first.HedgesG)} ({F(first.GLow)} to {F(first.GHigh)})</td><td>{F(other.HedgesG)} ({F(other.GLow)} to {F(other.GHigh)})</td>")
                    .Append($"<td>{F(interaction.Estimate)} ({F(interaction.Low)} to {F(interaction.High)})</td></tr>");
            }

            html.Append($"</table><p>n marked with *: a cell of fewer than {FewAnimals} animals; such an interval says little.</p>");
        }

        AppendRecognition(html, results, groups, treatments, sessions, E, F);
        foreach (var (title, png) in figures)
        {
            html.Append($"<h2>{E(title)}</h2><img alt=\"{E(title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">");
        }

        html.Append($"<h2>Each animal</h2><table><tr><th>animal</th><th>group</th><th>treatment</th><th>condition</th><th>session</th><th>rig</th><th>encounters</th><th>mean Δz</th><th>deficits</th>{trainHeads}<th>refusals</th><th>contact (s)</th></tr>");
        foreach (var r in results)
        {
            html.Append($"<tr><td>{E(r.AnimalId)}</td><td>{E(r.Group)}</td><td>{E(r.Treatment)}</td><td>{E(r.Condition)}</td><td>{E(r.Session)}</td><td>{E(r.Rig)}</td>")
                .Append($"<td>{r.Encounters}</td><td>{F(r.MeanDeltaZ)}</td><td>{r.Deficits}</td>{Trains(r.TrainsDriven, r.TrainsSham, "0", r.Condition == Studies.StudyResults.BaselineLabel)}<td>{r.Refusals}</td><td>{F(r.ContactS, "0.0")}</td></tr>");
        }

        html.Append("</table></body></html>");
        return html.ToString();
    }

    /// <summary>The social recognition tables, when encounters were marked familiar and novel.</summary>
    private static void AppendRecognition(StringBuilder html, IReadOnlyList<AnimalSession> results, List<string> groups, List<string> treatments, List<string> sessions, Func<string, string> e, Func<double, string, string> f)
    {
        var cells = RecognitionCells(results).OrderBy(c => sessions.IndexOf(c.Session)).ThenBy(c => groups.IndexOf(c.Group)).ThenBy(c => treatments.IndexOf(c.Treatment))
            .ThenBy(c => c.Condition, StringComparer.Ordinal).ToList();
        if (cells.Count == 0)
        {
            return;
        }

        string F(double v) => f(v, "0.00");
        string Ci(Summary s) => $"{F(s.Mean)} ({F(s.Interval95.Low)} to {F(s.Interval95.High)})";
        html.Append("<h2>Social recognition: novel against familiar partners</h2><p>Each animal's mean whole-window Δz to novel and to familiar partners (as the tracker marked them), ")
            .Append("their difference, and its preference as the social recognition test measures it, (novel − familiar) / (novel + familiar) contact time; then mean ± SEM, or mean (95 % CI, Student's t), over the animals. ")
            .Append("An animal that discriminates answers, and goes to, the novel partner more: a difference and an index above 0.</p>")
            .Append("<table><tr><th>session</th><th>group</th><th>treatment</th><th>condition</th><th>animals</th><th>Δz novel</th><th>Δz familiar</th><th>novel − familiar Δz (95 % CI)</th><th>contact index (95 % CI)</th></tr>");
        foreach (var c in cells)
        {
            html.Append($"<tr><td>{e(c.Session)}</td><td>{e(c.Group)}</td><td>{e(c.Treatment)}</td><td>{e(c.Condition)}</td><td>{c.Difference.N}{(c.Difference.N < FewAnimals ? "*" : string.Empty)}</td>")
                .Append($"<td>{F(c.Novel.Mean)} ± {F(c.Novel.Sem)}</td><td>{F(c.Familiar.Mean)} ± {F(c.Familiar.Sem)}</td><td>{Ci(c.Difference)}</td><td>{Ci(c.ContactIndex)}</td></tr>");
        }

        html.Append($"</table><p>animals marked with *: fewer than {FewAnimals}, too few for an interval to tell much.</p>")
            .Append("<table><tr><th>animal</th><th>session</th><th>encounters novel / familiar</th><th>Δz novel</th><th>Δz familiar</th><th>difference</th><th>contact novel / familiar (s)</th><th>contact index</th></tr>");
        foreach (var r in results.Where(r => r.Recognition is not null))
        {
            var d = r.Recognition!;
            html.Append($"<tr><td>{e(r.AnimalId)}</td><td>{e(r.Session)}</td><td>{d.NovelEncounters} / {d.FamiliarEncounters}</td><td>{F(d.NovelDeltaZ)}</td><td>{F(d.FamiliarDeltaZ)}</td><td>{F(d.DeltaZDifference)}</td>")
                .Append($"<td>{f(d.NovelContactS, "0.0")} / {f(d.FamiliarContactS, "0.0")}</td><td>{F(d.ContactIndex)}</td></tr>");
        }

        html.Append("</table>");
    }
}
