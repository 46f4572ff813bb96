namespace ClosedLoop.Host.Commands;

/// <summary>The options every command that talks to a broker shares.</summary>
public sealed class BrokerOptions
{
    public Option<string> Broker { get; } = new("--broker")
    {
        Description = "Broker as host or host:port",
        DefaultValueFactory = _ => "127.0.0.1:1883",
    };

    public Option<string?> User { get; } = new("--user") { Description = "Broker user name" };

    public Option<string?> Password { get; } = new("--password")
    {
        Description = "Broker password (visible to other users in the process list: prefer --password-file or the CLOSEDLOOP_MQTT_PASSWORD environment variable)",
    };

    public Option<FileInfo?> PasswordFile { get; } = new("--password-file")
    {
        Description = "Read the broker password from the first line of this file (keep it readable by you alone)",
    };

    public Option<bool> Tls { get; } = new("--tls") { Description = "Connect with TLS (port 8883 unless given)" };

    public Option<FileInfo?> Ca { get; } = new("--ca") { Description = "With --tls: trust broker certificates signed by this CA (PEM) instead of the system's roots" };

    public Option<string> Prefix { get; } = new("--prefix")
    {
        Description = "Topic prefix",
        DefaultValueFactory = _ => "closedloop",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Broker);
        command.Options.Add(User);
        command.Options.Add(Password);
        command.Options.Add(PasswordFile);
        command.Options.Add(Tls);
        command.Options.Add(Ca);
        command.Options.Add(Prefix);
    }

    /// <summary>The endpoint the options describe; a malformed --broker is an error naming it.</summary>
    public BrokerEndpoint Endpoint(ParseResult parse)
    {
        string value = parse.GetValue(Broker)!;
        bool tls = parse.GetValue(Tls);
        string host = value;
        int port = tls ? 8883 : 1883;
        int colon = value.LastIndexOf(':');
        if (colon > 0)
        {
            host = value[..colon];
            if (!int.TryParse(value[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw new CommandLineException($"--broker '{value}': expected host or host:port with a port from 1 to 65535");
            }
        }

        var passwordFile = parse.GetValue(PasswordFile);
        if (passwordFile is not null && !passwordFile.Exists)
        {
            throw new CommandLineException($"--password-file {passwordFile.FullName}: no such file");
        }

        string? password = parse.GetValue(Password)
            ?? (passwordFile is null ? null : File.ReadLines(passwordFile.FullName).FirstOrDefault() ?? string.Empty)
            ?? Environment.GetEnvironmentVariable("CLOSEDLOOP_MQTT_PASSWORD");
        var ca = parse.GetValue(Ca);
        if (ca is not null && !ca.Exists)
        {
            throw new CommandLineException($"--ca {ca.FullName}: no such file");
        }

        return new BrokerEndpoint(host, port, parse.GetValue(User), password, tls, parse.GetValue(Prefix)!, ca?.FullName);
    }
}

/// <summary>A usage problem found after parsing: reported as one line, exit code 2.</summary>
public sealed class CommandLineException(string message) : InputException(message);
