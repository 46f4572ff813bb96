using System.Net;
using ClosedLoop.Engine.Encounters;
using ClosedLoop.Host.Logging;
using ScottPlot;

namespace ClosedLoop.Host.Report;

/// <summary>
/// A self-contained HTML report of a session with PNG figures drawn by ScottPlot, in the style of photometry
/// papers: the z trace with encounters shaded and trains marked, peri-event mean ± SEM around encounter onset
/// (split by decision, and by stimulated or not), the distribution of per-encounter Δz, and the tables of limit
/// refusals and faults. The PNGs are written beside the HTML and embedded in it.
/// </summary>
public static class SessionReport
{
    public const int Width = 1000;
    public const int Height = 420;
    private const double Before = 3;
    private const double After = 6;

    public static IReadOnlyList<string> Write(SessionData data, string folder)
    {
        Directory.CreateDirectory(folder);
        var figures = new List<(string Title, string Path)>
        {
            ("z over the session", Save(Trace(data), folder, $"{data.Rig}_trace.png")),
            ("Around encounter onset, by decision", Save(PeriEvent(data, e => e.Outcome == "deficit" ? "deficit" : "response", "decision"), folder, $"{data.Rig}_peri_decision.png")),
            ("Around encounter onset, stimulated or not", Save(PeriEvent(data, e => e.Stimulated ? "stimulated" : "not stimulated", "stimulation"), folder, $"{data.Rig}_peri_stimulation.png")),
            ("Per-encounter Δz", Save(DeltaZ(data), folder, $"{data.Rig}_delta_z.png")),
        };
        if (data.Partners.Any(p => p.Novelty != Novelty.Unmarked))
        {
            figures.Add(("Around encounter onset, by partner", Save(PeriEvent(data, e => PartnerEncounters.Word(e.Novelty), "partner"), folder, $"{data.Rig}_peri_partner.png")));
        }

        if (data.Encounters.Any(e => e.Stimulated))
        {
            figures.Add((TrainTimingTitle, Save(TrainTiming(data), folder, $"{data.Rig}_train_timing.png")));
        }

        string html = Path.Combine(folder, $"{data.Rig}_report.html");
        File.WriteAllText(html, Html(data, figures));
        return [.. figures.Select(f => f.Path), html];
    }

    private const string TrainTimingTitle = "When in the contact each train started";

    /// <summary>
    /// One row per stimulated encounter, in order: the contact as a grey bar from its onset (0) to its end, and the
    /// train's start as a mark (filled: during the contact; open: after it had ended).
    /// </summary>
    private static Plot TrainTiming(SessionData data)
    {
        var plot = new Plot();
        var stimulated = data.Encounters.Where(e => e.Stimulated).ToList();
        for (int i = 0; i < stimulated.Count; i++)
        {
            var e = stimulated[i];
            if (e.OffsetS is double off)
            {
                var bar = plot.Add.Line(0, i + 1, off - e.OnsetS, i + 1);
                bar.Color = Colors.Gray.WithAlpha(0.5);
                bar.LineWidth = 4;
            }
        }

        void Marks(bool duringContact, Color color, MarkerShape shape, string legend)
        {
            var rows = stimulated.Select((e, i) => (e, Row: i + 1.0)).Where(p => p.e.DuringContact == duringContact).ToList();
            if (rows.Count > 0)
            {
                var marks = plot.Add.ScatterPoints(rows.Select(p => p.e.LatencyS).ToArray(), rows.Select(p => p.Row).ToArray());
                marks.Color = color;
                marks.MarkerShape = shape;
                marks.MarkerSize = 7;
                marks.LegendText = legend;
            }
        }

        Marks(true, Colors.SteelBlue, MarkerShape.FilledCircle, "train started during the contact");
        Marks(false, Colors.OrangeRed, MarkerShape.OpenCircle, "train started after the contact ended");
        plot.XLabel("time from contact onset (s); grey: the contact");
        plot.YLabel("stimulated encounter");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    private static string Save(Plot plot, string folder, string name)
    {
        string path = Path.Combine(folder, name);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static Plot Trace(SessionData data)
    {
        var plot = new Plot();
        foreach (var e in data.Encounters)
        {
            var span = plot.Add.HorizontalSpan(e.OnsetS / 60, (e.OffsetS ?? e.OnsetS + 1) / 60);
            span.FillColor = (e.Outcome == "deficit" ? Colors.OrangeRed : Colors.SeaGreen).WithAlpha(0.2);
            span.LineColor = Colors.Transparent;
        }

        // At most ~4,000 points: means of equal bins, so an hour draws quickly and reads the same.
        var (x, y) = Binned(data.TimeS, data.Z, 4000);
        var line = plot.Add.ScatterLine(x.Select(t => t / 60).ToArray(), y);
        line.Color = Colors.Black;
        line.LineWidth = 1;
        line.LegendText = "z";
        foreach (var (time, _, sham) in data.Trains)
        {
            var mark = plot.Add.VerticalLine(time / 60);
            mark.Color = sham ? Colors.Gray : Colors.DodgerBlue;
            mark.LineWidth = 1.5f;
        }

        plot.Add.HorizontalLine(0, color: Colors.Gray.WithAlpha(0.5));
        plot.Title($"{data.Rig}: z, encounters (green: response, red: deficit), trains (blue; grey: sham)");
        plot.XLabel("Time (min)");
        plot.YLabel("z (robust)");
        return plot;
    }

    private static Plot PeriEvent(SessionData data, Func<ReportEncounter, string> group, string what)
    {
        var plot = new Plot();
        double step = data.TimeS.Length > 1 ? data.TimeS[1] - data.TimeS[0] : 1 / 130.0;
        int before = (int)Math.Round(Before / step);
        int after = (int)Math.Round(After / step);
        double[] lag = [.. Enumerable.Range(-before, before + after + 1).Select(i => i * step)];
        var palette = new[] { Colors.OrangeRed, Colors.SeaGreen, Colors.DodgerBlue, Colors.Gray };
        int colour = 0;
        foreach (var g in data.Encounters.GroupBy(group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var traces = g.Select(e => Window(data, e.OnsetS, before, after)).Where(t => t is not null).Select(t => t!).ToList();
            if (traces.Count == 0)
            {
                continue;
            }

            double[] mean = new double[lag.Length];
            double[] sem = new double[lag.Length];
            for (int i = 0; i < lag.Length; i++)
            {
                var values = traces.Select(t => t[i]).Where(double.IsFinite).ToArray();
                mean[i] = values.Length > 0 ? values.Average() : double.NaN;
                sem[i] = values.Length > 1 ? Math.Sqrt(values.Select(v => (v - mean[i]) * (v - mean[i])).Sum() / (values.Length - 1) / values.Length) : 0;
            }

            var color = palette[colour++ % palette.Length];
            var band = plot.Add.FillY(lag, mean.Zip(sem, (m, s) => m + s).ToArray(), mean.Zip(sem, (m, s) => m - s).ToArray());
            band.FillColor = color.WithAlpha(0.25);
            band.LineColor = Colors.Transparent;
            var line = plot.Add.ScatterLine(lag, mean);
            line.Color = color;
            line.LineWidth = 2;
            line.LegendText = $"{g.Key} (n = {traces.Count})";
        }

        plot.Add.VerticalLine(0, color: Colors.Black.WithAlpha(0.6));
        plot.Add.HorizontalLine(0, color: Colors.Gray.WithAlpha(0.5));
        plot.Title($"{data.Rig}: mean ± SEM around encounter onset, by {what}");
        plot.XLabel("Time from onset (s)");
        plot.YLabel("z (robust)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static Plot DeltaZ(SessionData data)
    {
        var plot = new Plot();
        var values = data.Encounters.Select(e => e.DeltaZ).Where(double.IsFinite).ToArray();
        if (values.Length > 0)
        {
            double low = Math.Floor(Math.Min(values.Min(), data.Threshold));
            double high = Math.Ceiling(Math.Max(values.Max(), data.Threshold)) + 0.5;
            var histogram = ScottPlot.Statistics.Histogram.WithBinSize(0.5, low, high);
            histogram.AddRange(values);
            var bars = plot.Add.Bars(histogram.Bins, histogram.Counts);
            foreach (var bar in bars.Bars)
            {
                bar.Size = 0.45;
                bar.FillColor = Colors.SteelBlue;
            }
        }

        var threshold = plot.Add.VerticalLine(data.Threshold, color: Colors.OrangeRed);
        threshold.LegendText = $"deficit threshold ({data.Threshold.ToString(CultureInfo.InvariantCulture)})";
        plot.Title($"{data.Rig}: per-encounter Δz (n = {values.Length})");
        plot.XLabel("Δz (post − pre, z units)");
        plot.YLabel("Encounters");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static double[]? Window(SessionData data, double onsetS, int before, int after)
    {
        int index = Array.BinarySearch(data.TimeS, onsetS);
        index = index >= 0 ? index : ~index;
        if (index - before < 0 || index + after >= data.TimeS.Length)
        {
            return null;
        }

        return data.Z[(index - before)..(index + after + 1)];
    }

    private static (double[] X, double[] Y) Binned(double[] x, double[] y, int bins)
    {
        if (x.Length <= bins)
        {
            return (x, y);
        }

        int size = (int)Math.Ceiling((double)x.Length / bins);
        var xs = new List<double>();
        var ys = new List<double>();
        for (int start = 0; start < x.Length; start += size)
        {
            int end = Math.Min(start + size, x.Length);
            var finite = y[start..end].Where(double.IsFinite).ToArray();
            xs.Add(x[start..end].Average());
            ys.Add(finite.Length > 0 ? finite.Average() : double.NaN);
        }

        return ([.. xs], [.. ys]);
    }

    /// <summary>A logged UTC moment (shifted by <paramref name="shiftUs"/>) in this machine's local time, with its offset: "2026-12-07 03:15:41 (UTC+01:00)".</summary>
    public static string LocalTime(string utc, long shiftUs)
    {
        var moment = DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).AddTicks(shiftUs * 10).ToLocalTime();
        return moment.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + $" (UTC{moment:zzz})";
    }

    /// <summary>Δz and contact by partner, and the session's discrimination, when the tracker marked partners.</summary>
    private static void AppendPartners(StringBuilder html, SessionData data, Func<string, string> e, Func<double, string> s)
    {
        if (!data.Partners.Any(p => p.Novelty != Novelty.Unmarked || p.Partner is not null))
        {
            return;
        }

        html.Append("<h2>By partner</h2><table><tr><th>partner</th><th>novelty</th><th>encounters</th><th>decided</th><th>mean Δz</th><th>contact (s, total)</th></tr>");
        foreach (var g in data.Partners.GroupBy(p => (p.Novelty, p.Partner)).OrderBy(g => g.Key.Novelty).ThenBy(g => g.Key.Partner, StringComparer.Ordinal))
        {
            var dz = g.Select(p => p.DeltaZ).Where(double.IsFinite).ToList();
            html.Append($"<tr><td>{e(g.Key.Partner ?? "(not named)")}</td><td>{PartnerEncounters.Word(g.Key.Novelty)}</td><td>{g.Count()}</td><td>{dz.Count}</td>")
                .Append($"<td>{s(dz.Count > 0 ? dz.Average() : double.NaN)}</td><td>{s(g.Select(p => p.ContactS).Where(double.IsFinite).Sum())}</td></tr>");
        }

        html.Append("</table>");
        if (Discrimination.Of(data.Partners) is { } d)
        {
            html.Append($"<p>Novel − familiar mean Δz: {s(d.DeltaZDifference)}; contact index (novel − familiar) / (novel + familiar): {s(d.ContactIndex)}.</p>");
        }
    }

    private static string Html(SessionData data, List<(string Title, string Path)> figures)
    {
        var html = new StringBuilder();
        string E(string s) => WebUtility.HtmlEncode(s);
        string F(double v) => double.IsFinite(v) ? v.ToString("G6", CultureInfo.InvariantCulture) : "-";
        // Times and Δz to the hundredth (a rig's clock is read in seconds, not in µs); moments in the reader's local time.
        string S(double v) => double.IsFinite(v) ? v.ToString("F2", CultureInfo.InvariantCulture) : "-";
        int deficits = data.Encounters.Count(e => e.Outcome == "deficit");
        html.Append($"<!doctype html><html><head><meta charset=\"utf-8\"><title>{E(data.Rig)} session report</title>")
            .Append("<style>body{font-family:sans-serif;max-width:1040px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}img{max-width:100%}</style></head><body>")
            .Append($"<h1>{E(data.Rig)}, boot {data.Boot}</h1>")
            .Append(data.Sessions.Count > 0 ? $"<p>The boot began {E(LocalTime(data.Sessions[0].Utc, -data.Sessions[0].RigTimeUs))}.</p>" : string.Empty)
            .Append(string.Concat(data.Sessions.Select(s =>
                $"<p>Session with <b>{E(s.Subject)}</b>{(s.Experimenter is null ? string.Empty : $", run by {E(s.Experimenter)}")}, started {E(LocalTime(s.Utc, 0))} ({S(s.RigTimeUs / 1e6)} s into the boot){(s.Note is null ? string.Empty : $": {E(s.Note)}")}</p>")))
            .Append($"<p>{data.Encounters.Count} measured encounters: {deficits} deficits, {data.Encounters.Count - deficits} responses; ")
            .Append($"{data.Trains.Count(t => !t.Sham)} trains driven, {data.Trains.Count(t => t.Sham)} sham; {data.Refusals.Count} refusals; {data.Faults.Count} faults. ")
            .Append($"Deficit threshold marked: {F(data.Threshold)}.")
            .Append(data.LedCurrents is var (signalMa, controlMa) ? $" LED currents: signal {F(signalMa)} mA, control {F(controlMa)} mA." : string.Empty)
            .Append("</p>");
        foreach (var (title, path) in figures)
        {
            html.Append($"<h2>{E(title)}</h2><img alt=\"{E(title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\">");
        }

        AppendPartners(html, data, E, S);
        var stimulated = data.Encounters.Where(e => e.Stimulated).ToList();
        if (stimulated.Count > 0)
        {
            var latencies = stimulated.Select(e => e.LatencyS).Order().ToList();
            html.Append($"<p>{stimulated.Count(e => e.DuringContact)} of {stimulated.Count} trains started while the mice were still in contact; ")
                .Append($"from contact onset to train start: median {S(latencies[(latencies.Count - 1) / 2])} s; {stimulated.Count(e => e.Early)} decided by the early rule.</p>")
                .Append("<table><tr><th>onset (s into the boot)</th><th>contact (s)</th><th>train after onset (s)</th><th>during contact</th><th>decided</th><th>Δz (whole window)</th></tr>");
            foreach (var e in stimulated)
            {
                string contact = e.OffsetS is double off ? S(off - e.OnsetS) : "-";
                html.Append($"<tr><td>{S(e.OnsetS)}</td><td>{contact}</td><td>{S(e.LatencyS)}</td><td>{(e.DuringContact ? "yes" : "no")}</td><td>{(e.Early ? "early" : "window")}</td><td>{S(e.DeltaZ)}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("<h2>Limit refusals</h2><table><tr><th>time (s into the boot)</th><th>channel</th><th>reason</th><th>value</th><th>limit</th></tr>");
        foreach (var r in data.Refusals)
        {
            html.Append($"<tr><td>{S(r.TimeS)}</td><td>{E(r.Channel)}</td><td>{E(r.Reason)}</td><td>{E(RefusalQuantity.Format(r.Reason, r.Value))}</td><td>{E(RefusalQuantity.Format(r.Reason, r.Limit))}</td></tr>");
        }

        if (data.Gaps.Count > 0)
        {
            html.Append($"</table><h2>Missing samples</h2><p>{data.Gaps.Sum(g => g.Frames)} sample frames were lost (the rig no longer held them when the logger asked); the trace is broken there, not bridged.</p>")
                .Append("<table><tr><th>from (s)</th><th>to (s)</th><th>frames</th></tr>");
            foreach (var g in data.Gaps)
            {
                html.Append($"<tr><td>{S(g.FromUs / 1e6)}</td><td>{S(g.ToUs / 1e6)}</td><td>{g.Frames}</td></tr>");
            }
        }

        html.Append("</table><h2>Faults</h2><table><tr><th>time (s into the boot)</th><th>fault</th><th>detail</th></tr>");
        foreach (var f in data.Faults)
        {
            html.Append($"<tr><td>{S(f.TimeS)}</td><td>{E(f.Fault)}</td><td>{f.Detail}</td></tr>");
        }

        html.Append("</table>");
        if (data.ConsoleCommands.Count > 0)
        {
            // The account is the broker's word for who published the record; "confirmed" means the rig answered that
            // command from that account (a record someone else published about a command they never sent is not).
            html.Append("<h2>Commands from the console</h2><table><tr><th>when</th><th>command</th><th>user</th><th>from</th><th>rig's answer</th><th>broker account</th><th>in the rig's journal</th></tr>");
            foreach (var (c, confirmed) in data.ConsoleCommands)
            {
                string journal = confirmed switch { true => "confirmed", false => "NOT confirmed", null => "(a config: no id)" };
                html.Append($"<tr><td>{E(LocalTime(c.Utc, 0))}</td><td>{E(c.Command)}</td><td>{E(c.User)}</td><td>{E(c.Address)}</td><td>{E(c.Result)}</td><td>{E(c.Account)}</td><td>{journal}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</body></html>");
        return html.ToString();
    }
}
