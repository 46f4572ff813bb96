using ClosedLoop.Engine.Detection;
using ClosedLoop.Host.Logging;
using PureHDF;

namespace ClosedLoop.Host.Export;

/// <summary>The subject of an NWB file: its id, sex as NWB spells it (F, M, O, U), species and a description (group, treatment).</summary>
public sealed record NwbSubject(string Id, string Sex, string? Species, string Description)
{
    /// <summary>ISO 8601 duration (P90D), or null.</summary>
    public string? Age { get; init; }

    /// <summary>yyyy-MM-dd, or null.</summary>
    public string? DateOfBirth { get; init; }

    public string? Strain { get; init; }

    public string? Genotype { get; init; }
}

/// <summary>What the log does not know and an NWB file should say: the stimulation site, the light, the subject and the condition label.</summary>
public sealed record NwbOptions
{
    public string SiteLocation { get; init; } = "anterior insular cortex (aIC)";

    /// <summary>Wavelength of the stimulation light in nm (NaN: not stated).</summary>
    public double ExcitationNm { get; init; } = double.NaN;

    /// <summary>Light power at the fibre tip during a pulse, when the lab measured it.</summary>
    public double? OptoPowerMw { get; init; }

    public NwbSubject? Subject { get; init; }

    /// <summary>The session had not ended when the log was exported: the file holds it as far as it was logged.</summary>
    public bool StillRunning { get; init; }

    /// <summary>The session's condition as the experimenter may see it (its code in a blinded study).</summary>
    public string? Condition { get; init; }

    /// <summary>The lab, institution and virus the study file names (null: not stated).</summary>
    public string? Lab { get; init; }

    public string? Institution { get; init; }

    public string? Virus { get; init; }

    /// <summary>The sensor the signal channel reads (e.g. GCaMP6s); said in the channels' descriptions (NWB 2.6's core has no photometry indicator field).</summary>
    public string? Indicator { get; init; }

    /// <summary>The study's experimenters; each session's own experimenter is added after them.</summary>
    public IReadOnlyList<string> Experimenters { get; init; } = [];

    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// One boot of a rig from the SQLite log as an NWB 2.6 file (core schema only; docs/studies.md says which
/// fiber-photometry extension a later version should adopt): the raw signal and isosbestic control channels as
/// acquisition TimeSeries, dF/F and z in a processing module, encounters and decisions as TimeIntervals tables,
/// stimulation and sham trains pulse by pulse as OptogeneticSeries at their stimulus site, the rig as a Device and
/// the subject. Times are seconds of device time since boot, as in every other export; timestamps_reference_time is
/// the boot's moment in UTC.
/// </summary>
public static class NwbExport
{
    public const string Version = "2.6.0";

    /// <summary>
    /// What an NWB file of this session would lack that DANDI requires of a dandiset's files (a subject with its id,
    /// species, sex and an age or date of birth) or that leaves a value NaN (the stimulation light's wavelength and power
    /// when the rig drove the light), each with how to give it.
    /// </summary>
    public static IReadOnlyList<string> Missing(EventStore store, string rig, long boot, NwbOptions options)
    {
        var missing = new List<string>();
        bool hasSubject = options.Subject is not null || store.Sessions(rig, boot).Any(s => s.Subject is not null);
        if (!hasSubject)
        {
            missing.Add("subject id (DANDI requires it): start the session with --subject, or give --study");
        }

        if (options.Subject is not { } subject)
        {
            missing.Add("subject species, sex and age or date of birth (DANDI requires them): give --study, whose animals state them");
        }
        else if (subject.Age is null && subject.DateOfBirth is null)
        {
            missing.Add($"subject age or date of birth (DANDI requires one): add age = \"P90D\" or date_of_birth to animal {subject.Id} in the study file");
        }

        if (LoggedEvents.Read(store, rig, boot).Trains.Any(t => t.Channel == "opto" && !t.Sham))
        {
            if (double.IsNaN(options.ExcitationNm))
            {
                missing.Add("the stimulation light's wavelength (excitation_lambda is NaN): give --excitation-nm");
            }

            if (options.OptoPowerMw is null)
            {
                missing.Add("the stimulation light's power (the trains' conversion is NaN): give --opto-power-mw");
            }
        }

        return missing;
    }

    public static void Write(EventStore store, string rig, long boot, string path, NwbOptions options)
    {
        var samples = LoggedSamples.Read(store, rig, boot);
        var events = LoggedEvents.Read(store, rig, boot);
        var sessions = store.Sessions(rig, boot);
        var (zero, start) = TimeZero(store, rig, boot, sessions);
        string identifier = $"closedloop-{rig}-boot{boot}-{zero:yyyyMMdd'T'HHmmss'Z'}";
        var nwb = new NwbObjects(identifier);

        var file = new H5File();
        nwb.Type(file, "/", "NWBFile");
        file.Attributes["nwb_version"] = Version;
        file["identifier"] = identifier;
        file["session_description"] = $"ClosedLoop fiber photometry session, rig {rig}, boot {boot}" + (options.Condition is null ? string.Empty : $", condition {options.Condition}")
            + (options.StillRunning ? "; STILL RUNNING when exported: its session had no stop in the log, and the file holds it as far as it was logged" : string.Empty);
        file["session_start_time"] = Iso(start);
        file["timestamps_reference_time"] = Iso(zero);
        file["file_create_date"] = new[] { Iso(options.Created) };
        file["analysis"] = new H5Group();

        double[] times = [.. samples.Samples.Select(s => Seconds(s.TimeUs))];
        file["acquisition"] = new H5Group
        {
            ["signal"] = nwb.TimeSeries("/acquisition/signal", [.. samples.Samples.Select(s => s.Valid ? s.RawSignal : double.NaN)], times, "ADC counts",
                $"signal channel ({Sensor(options)}-dependent excitation), LED on minus dark; NaN where the rig marked the cycle invalid", SampleComment(samples)),
            ["control"] = nwb.TimeSeries("/acquisition/control", [.. samples.Samples.Select(s => s.Valid ? s.RawControl : double.NaN)], times, "ADC counts",
                $"isosbestic control channel ({Sensor(options)} excited at its isosbestic point), LED on minus dark; NaN where the rig marked the cycle invalid", SampleComment(samples)),
        };

        var photometry = nwb.Group("/processing/photometry", "ProcessingModule");
        photometry.Attributes["description"] = "the rig's own causal processing: dF/F from an online control-to-signal fit, and z from a robust running baseline (NaN where a cycle was invalid or z not ready)";
        photometry["dff"] = nwb.TimeSeries("/processing/photometry/dff", [.. samples.Samples.Select(s => s.Valid ? s.Dff : double.NaN)], times, "dF/F", "dF/F computed on the rig, causally");
        photometry["z"] = nwb.TimeSeries("/processing/photometry/z", [.. samples.Samples.Select(s => s.Valid && s.Ready ? s.Z : double.NaN)], times, "z", "z of dF/F computed on the rig, causally");
        file["processing"] = new H5Group { ["photometry"] = photometry };

        file["intervals"] = Intervals(nwb, events, InvalidSpans.Of(samples, events));
        file["general"] = General(nwb, rig, boot, sessions, store, options, events.Trains.Any(t => t.Channel == "opto"));
        file["stimulus"] = new H5Group
        {
            ["presentation"] = Stimulation(nwb, events, RigConfigOf(store, rig, boot), options),
            ["templates"] = new H5Group(),
        };

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        file.Write(path);
    }

    /// <summary>What the signal channel's light reports: the study's indicator, or the calcium of the default sensor when none is named.</summary>
    private static string Sensor(NwbOptions options) => options.Indicator ?? "calcium indicator, not named";

    private static (DateTimeOffset Zero, DateTimeOffset Start) TimeZero(EventStore store, string rig, long boot, IReadOnlyList<SessionRecord> sessions)
    {
        if (sessions.Count > 0)
        {
            var start = DateTimeOffset.Parse(sessions[0].Utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            return (start - TimeSpan.FromMicroseconds(sessions[0].RigTimeUs), start);
        }

        // No session was started by name: the logger's clock when the first event arrived stands in.
        var first = store.FirstEventReceived(rig, boot) ?? throw new InvalidOperationException($"rig {rig} boot {boot} logged no event");
        var zero = first.ReceivedUtc - TimeSpan.FromMicroseconds(first.TimeUs);
        return (zero, zero);
    }

    private static H5Group Intervals(NwbObjects nwb, LoggedEvents events, IReadOnlyList<InvalidSpan> invalid)
    {
        var ends = events.EncounterEnds.GroupBy(e => e.OnsetUs).ToDictionary(g => g.Key, g => g.First().OffsetUs);
        var encounters = events.Encounters.ToList();
        var onsets = encounters.Select(e => e.OnsetUs).ToList();
        var trainTimes = events.Trains.Select(t => t.TimeUs).ToHashSet();
        var decisions = events.Decisions.ToList();
        var intervals = new H5Group
        {
            ["encounters"] = nwb.TimeIntervals("/intervals/encounters", "social contacts as the rig took them (TTL or tracker), onset to end; stop_time NaN: not ended when the log stopped",
                [.. onsets.Select(Seconds)], [.. onsets.Select(o => ends.TryGetValue(o, out long off) ? Seconds(off) : double.NaN)],
                ("partner", "the partner met, as the tracker's mark named it (empty: not named)", encounters.Select(e => e.Partner ?? string.Empty).ToArray()),
                ("partner_novelty", "familiar or novel, as the mark said (unmarked: not said); a social recognition readout splits by it", encounters.Select(e => PartnerEncounters.Word(e.Novelty)).ToArray())),
            ["decisions"] = nwb.TimeIntervals("/intervals/decisions", "the rig's decision on each encounter, from contact onset to the moment it decided",
                [.. decisions.Select(d => Seconds(d.OnsetUs))], [.. decisions.Select(d => Seconds(d.TimeUs))],
                ("outcome", "the decision: response, deficit, drop or why none was made", decisions.Select(d => EventJson.Outcomes[(int)d.Outcome]).ToArray()),
                ("delta_z", "response window mean z minus pre-onset mean z (the early rule: the evidence when it decided)", decisions.Select(d => d.DeltaZ).ToArray()),
                ("pre_z", "mean z in the window before onset", decisions.Select(d => d.PreZ).ToArray()),
                ("early", "1: decided by the early rule before the response window closed", decisions.Select(d => d.Early ? 1 : 0).ToArray()),
                ("stimulated", "1: the decision started a train (driven, or only logged by a rig that does not drive its outputs)", decisions.Select(d => trainTimes.Contains(d.TimeUs) ? 1 : 0).ToArray())),
        };
        if (invalid.Count > 0)
        {
            // NWB's own place for spans an analysis must leave out (NWBFile.invalid_times).
            intervals["invalid_times"] = nwb.TimeIntervals("/intervals/invalid_times",
                "spans without a good sample: cycles the rig marked invalid (too few readings, light lost), cycles it never acquired, frames the log does not hold",
                [.. invalid.Select(s => Seconds(s.FromUs))], [.. invalid.Select(s => Seconds(s.ToUs))],
                ("reason", "why the span holds no good sample", invalid.Select(s => s.Reason).ToArray()));
        }

        return intervals;
    }

    private static H5Group General(NwbObjects nwb, string rig, long boot, IReadOnlyList<SessionRecord> sessions, EventStore store, NwbOptions options, bool hasOpto)
    {
        var device = nwb.Group($"/general/devices/{rig}", "Device");
        device.Attributes["description"] = $"ClosedLoop rig board {rig} (ESP32, nanoFramework): photometry acquisition, decisions on each encounter and hardware-timed outputs"
            + (store.SessionConfigHash(rig, boot) is string hash ? $"; config hash {hash}" : string.Empty);
        device.Attributes["manufacturer"] = "ClosedLoop";
        var general = new H5Group
        {
            ["devices"] = new H5Group { [rig] = device },
            ["session_id"] = $"{rig}-boot{boot}",
        };

        string[] experimenters = [.. options.Experimenters.Concat(sessions.Select(s => s.Experimenter).OfType<string>()).Distinct()];
        if (experimenters.Length > 0)
        {
            general["experimenter"] = experimenters;
        }

        foreach (var (name, value) in new[] { ("lab", options.Lab), ("institution", options.Institution), ("virus", options.Virus) })
        {
            if (value is not null)
            {
                general[name] = value;
            }
        }

        string[] notes = [.. sessions.Select(s => s.Note).OfType<string>(), .. options.Condition is null ? [] : new[] { $"condition: {options.Condition}" }];
        if (notes.Length > 0)
        {
            general["notes"] = string.Join("\n", notes);
        }

        if (hasOpto)
        {
            var site = nwb.Group("/general/optogenetics/site", "OptogeneticStimulusSite");
            site["description"] = "the fibre through which the rig's opto output delivered light";
            site["excitation_lambda"] = (float)options.ExcitationNm;
            site["location"] = options.SiteLocation;
            site["device"] = new H5SoftLink($"/general/devices/{rig}");
            general["optogenetics"] = new H5Group { ["site"] = site };
        }

        string? subjectId = options.Subject?.Id ?? sessions.Select(s => s.Subject).FirstOrDefault();
        if (subjectId is not null)
        {
            var subject = nwb.Group("/general/subject", "Subject");
            subject["subject_id"] = subjectId;
            if (options.Subject is { } known)
            {
                subject["sex"] = known.Sex;
                subject["description"] = known.Description;
                if (known.Species is not null)
                {
                    subject["species"] = known.Species;
                }

                if (known.Age is not null)
                {
                    var age = new H5Dataset<string>(known.Age);
                    age.Attributes["reference"] = "birth";
                    subject["age"] = age;
                }

                if (known.DateOfBirth is not null)
                {
                    subject["date_of_birth"] = known.DateOfBirth + "T00:00:00+00:00";
                }

                if (known.Strain is not null)
                {
                    subject["strain"] = known.Strain;
                }

                if (known.Genotype is not null)
                {
                    subject["genotype"] = known.Genotype;
                }
            }

            general["subject"] = subject;
        }

        return general;
    }

    private static H5Group Stimulation(NwbObjects nwb, LoggedEvents events, ClosedLoop.Engine.Config.RigConfig? config, NwbOptions options)
    {
        var presentation = new H5Group();
        var opto = events.Trains.Where(t => t.Channel == "opto").ToList();
        string pattern = config is null ? "pulse pattern unknown (the log holds no config for this boot): one point per train start" : "one point at each pulse's rise (1) and fall (0)";
        foreach (bool sham in new[] { false, true })
        {
            var trains = opto.Where(t => t.Sham == sham).ToList();
            if (trains.Count == 0)
            {
                continue;
            }

            var (timesS, levels) = Pulses(trains.Select(t => t.TimeUs), config?.Output.Opto);
            string name = sham ? "sham_trains" : "opto_trains";
            var series = nwb.TimeSeries($"/stimulus/presentation/{name}", sham ? [.. levels.Select(_ => 0.0)] : levels, timesS, "watts",
                sham ? "sham trains: the times the rig would have driven the light; it stayed off (power 0)" : "optogenetic trains the rig drove: 1 while the light was on",
                options.OptoPowerMw is double mw ? $"{pattern}; power {mw} mW at the fibre tip" : $"{pattern}; the light's power was not stated (conversion NaN): give --opto-power-mw",
                type: "OptogeneticSeries", conversion: sham ? 1.0 : options.OptoPowerMw is double power ? power / 1000 : double.NaN);
            series["site"] = new H5SoftLink("/general/optogenetics/site");
            presentation[name] = series;
        }

        foreach (bool sham in new[] { false, true })
        {
            var doses = events.Trains.Where(t => t.Channel == "dose" && t.Sham == sham).ToList();
            if (doses.Count > 0)
            {
                var (timesS, levels) = Pulses(doses.Select(t => t.TimeUs), config?.Output.Dose);
                string name = sham ? "sham_dose_pulses" : "dose_pulses";
                presentation[name] = nwb.TimeSeries($"/stimulus/presentation/{name}", sham ? [.. levels.Select(_ => 0.0)] : levels, timesS, "open",
                    sham ? "sham doses: the times the rig would have opened the dosing output; it stayed closed" : "dosing output (pump or valve): 1 while open", pattern);
            }
        }

        return presentation;
    }

    /// <summary>Each train as its pulses' edges (rise 1, fall 0) from the train settings the session ran with.</summary>
    private static (double[] TimesS, double[] Levels) Pulses(IEnumerable<long> starts, ClosedLoop.Engine.Config.TrainSettings? train)
    {
        var times = new List<double>();
        var levels = new List<double>();
        foreach (long start in starts)
        {
            if (train is null)
            {
                times.Add(Seconds(start));
                levels.Add(1);
                continue;
            }

            for (int pulse = 0; pulse < train.Count; pulse++)
            {
                long rise = start + train.DelayUs + pulse * train.PeriodUs;
                times.Add(Seconds(rise));
                levels.Add(1);
                times.Add(Seconds(rise + train.WidthUs));
                levels.Add(0);
            }
        }

        return ([.. times], [.. levels]);
    }

    private static ClosedLoop.Engine.Config.RigConfig? RigConfigOf(EventStore store, string rig, long boot)
    {
        if (store.SessionConfigText(rig, boot) is not string text)
        {
            return null;
        }

        var input = ConfigInput.Load(null, [], baseText: text);
        return input.Result.IsValid ? input.Result.Config : null;
    }

    private static string SampleComment(LoggedSamples samples) => samples.Gaps.Count == 0
        ? "every cycle the rig logged"
        : $"{samples.Gaps.Count} span(s) of cycles the log does not hold are missing (not filled in): " +
          string.Join(", ", samples.Gaps.Select(g => $"{Seconds(g.FromUs):F3}-{Seconds(g.ToUs):F3} s"));

    private static double Seconds(long timeUs) => timeUs / 1e6;

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);
}
