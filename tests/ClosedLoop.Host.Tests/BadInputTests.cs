using System.Security.Cryptography;

namespace ClosedLoop.Host.Tests;

/// <summary>Bad input gets one clear line and a non-zero exit, never a stack trace, and read-only commands change nothing.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-bad-input").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static void AssertOneLine(int expectedCode, (int Code, string Output, string Error) result, string expected)
    {
        Assert.Equal(expectedCode, result.Code);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_given_as_a_recording_a_config_or_an_events_file_is_named_as_such()
    {
        string csv = Path.Combine(_folder, "signal.csv");
        File.WriteAllText(csv, "timestamps,data,sampling_rate\n0,1,130\n");

        AssertOneLine(2, await CommandLine.Invoke("replay", _folder), "is a folder; expected a .ppd recording");
        AssertOneLine(2, await CommandLine.Invoke("replay", CommandLine.RealRecording, "--config", _folder), "is a folder; expected an nf.config file");
        AssertOneLine(2, await CommandLine.Invoke("replay", csv, "--control", csv, "--events", _folder), "is a folder; expected an event .csv");
    }

    [Fact]
    public async Task The_logger_given_a_file_that_is_not_a_log_or_a_folder_says_so_in_one_line()
    {
        string notALog = Path.Combine(_folder, "notes.sqlite");
        File.WriteAllText(notALog, "these are my notes, not a database\n");

        AssertOneLine(2, await CommandLine.Invoke("log", "--db", notALog, "--broker", "127.0.0.1:1"), "not a closedloop log");
        AssertOneLine(2, await CommandLine.Invoke("log", "--db", _folder, "--broker", "127.0.0.1:1"), "the log file cannot be used");
        Assert.Equal("these are my notes, not a database\n", File.ReadAllText(notALog));
    }

    [Fact]
    public async Task The_logger_given_a_log_it_may_not_write_says_so_in_one_line_and_changes_nothing()
    {
        // A real log (made by the logger's own store), then made read-only as the file system enforces it even for
        // root, who ignores permission bits: the immutable attribute (chattr +i, ext4 and most Linux file systems).
        string log = Path.Combine(_folder, "closedloop.sqlite");
        using (var store = new ClosedLoop.Host.Logging.EventStore(log))
        {
            store.StoreStatus("rig-01", """{"v":1,"rig":"rig-01","boot":7,"online":true}""");
        }

        byte[] before = File.ReadAllBytes(log);
        using var readOnly = ReadOnlyFile.Make(log);
        AssertOneLine(2, await CommandLine.Invoke("log", "--db", log, "--broker", "127.0.0.1:1"), $"the log {log} is read-only");
        Assert.Equal(before, File.ReadAllBytes(log));
    }

    [Fact]
    public async Task A_users_file_that_is_not_one_is_named_in_one_line_by_the_broker_and_the_console()
    {
        string users = Path.Combine(_folder, "users.json");
        File.WriteAllText(users, "{ not json");

        AssertOneLine(2, await CommandLine.Invoke("broker", "--users", users, "--port", "0"), "is not a users file");
        AssertOneLine(2, await CommandLine.Invoke("console", "--users", users, "--port", "0", "--broker", "127.0.0.1:1"), "is not a users file");
    }

    [Fact]
    public async Task An_endless_or_huge_input_is_refused_after_its_limit_not_read_whole()
    {
        string big = Path.Combine(_folder, "big.toml");
        File.WriteAllBytes(big, new byte[ClosedLoop.Host.Studies.StudyFileReader.MaxBytes + 10]);

        AssertOneLine(2, await CommandLine.Invoke("config", "check", "/dev/zero"), "larger than 32,768 bytes");
        var study = await CommandLine.Invoke("study", "check", big);
        Assert.NotEqual(0, study.Code);
        Assert.Contains("larger than 4,194,304 bytes", study.Output + study.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_log_is_refused_in_one_line_and_left_as_it_was()
    {
        string notALog = Path.Combine(_folder, "notes.sqlite");
        File.WriteAllText(notALog, "these are my notes, not a database\n");

        AssertOneLine(2, await CommandLine.Invoke("export", "rig-01", "--db", notALog, "--out", _folder), "not a closedloop log");
        AssertOneLine(2, await CommandLine.Invoke("replay", notALog, "--rig", "rig-01"), "not a closedloop log");
        Assert.Equal("these are my notes, not a database\n", File.ReadAllText(notALog));
    }

    [Fact]
    public async Task Export_and_report_only_read_the_log()
    {
        string database = Path.Combine(_folder, "log.sqlite");
        using (var store = new EventStore(database, wal: false))
        {
            store.Store([new StoredEvent("rig-01", 1, 1, 1000, "boot", """{"v":1,"rig":"rig-01","boot":1,"seq":1,"t_us":1000,"kind":"boot","config":"0000000000000000"}""")], []);
        }

        byte[] before = SHA256.HashData(File.ReadAllBytes(database));
        await CommandLine.Invoke("export", "rig-01", "--db", database, "--out", Path.Combine(_folder, "export"));
        await CommandLine.Invoke("report", "rig-01", "--db", database, "--out", Path.Combine(_folder, "report"));

        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(database)));
        Assert.False(File.Exists(database + "-wal"), "a read-only command switched the log to WAL");
    }

    [Fact]
    public async Task A_ppd_header_with_a_word_for_a_number_is_a_format_error()
    {
        string ppd = Path.Combine(_folder, "bad.ppd");
        byte[] header = Encoding.UTF8.GetBytes("""{"subject_ID":"m1","mode":"2 colour time div.","sampling_rate":130,"volts_per_division":["a lot",1]}""");
        using (var file = File.Create(ppd))
        {
            file.Write(BitConverter.GetBytes((ushort)header.Length));
            file.Write(header);
            file.Write(new byte[8]);
        }

        AssertOneLine(1, await CommandLine.Invoke("replay", ppd), "'volts_per_division' entry that is not a number: \"a lot\"");
    }

    [Fact]
    public async Task A_sweep_of_a_billion_steps_and_a_zero_event_length_are_usage_errors()
    {
        AssertOneLine(2, await CommandLine.Invoke("replay", CommandLine.RealRecording, "--sweep", "detector.deficit_threshold=0:1000000:0.000001"), "expected at most 101");
        string csv = Path.Combine(_folder, "signal.csv");
        File.WriteAllText(csv, "timestamps,data,sampling_rate\n0,1,130\n");
        AssertOneLine(2, await CommandLine.Invoke("replay", csv, "--control", csv, "--event-ms", "0"), "--event-ms 0: expected a positive number");
        AssertOneLine(2, await CommandLine.Invoke("replay", csv, "--control", csv, "--event-ms", "-5"), "--event-ms -5");
    }

    [Fact]
    public async Task A_config_error_quotes_a_long_line_by_its_start_and_length()
    {
        string config = Path.Combine(_folder, "long.nf.config");
        File.WriteAllText(config, "[rig]\nid = " + new string('x', 20_000) + "\n" + ClosedLoop.Host.Commands.ConfigCommand.Template(key => key.IsSafety));

        var (code, _, error) = await CommandLine.Invoke("config", "check", config);

        Assert.Equal(1, code);
        Assert.Contains("rig.id = 'xxxxxxxx", error, StringComparison.Ordinal);
        Assert.Contains("... (20000 characters)'", error, StringComparison.Ordinal);
        Assert.True(error.Length < 1000, $"{error.Length} characters of errors");
    }

    [Theory]
    [InlineData("""{"v":1,"rig":"rig-01","online":true}""", "missing whole-number 'boot'")]
    [InlineData("""{"v":1,"rig":"rig-02","online":false,"boot":1}""", "is not 'rig-01'")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"v":1,"rig":"rig-01","online":false,"boot":1}""", null)]
    public void A_status_a_rig_would_not_write_is_a_fault(string status, string? problem)
    {
        string? found = RigStatus.TryParse("rig-01", status, out var parsed);
        Assert.Equal(found is null, parsed is not null);

        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }
}
