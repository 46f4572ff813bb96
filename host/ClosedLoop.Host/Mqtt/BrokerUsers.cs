using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClosedLoop.Host.Mqtt;

/// <summary>What a broker user may do (docs/protocol.md, "Who may publish what").</summary>
public enum BrokerRole
{
    /// <summary>A rig: publishes only its own status, events, samples and config acks; reads only its commands and config.</summary>
    Rig,

    /// <summary>The logger: reads everything, sends commands (replay requests) and its own status.</summary>
    Logger,

    /// <summary>An experimenter: reads everything, sends commands and configs.</summary>
    Operator,

    /// <summary>Reads everything, sends nothing.</summary>
    Viewer,
}

/// <summary>One broker user: a name (a rig's id for the rig role), its role and its password hash.</summary>
public sealed record BrokerUser(string Name, BrokerRole Role, string PasswordHash);

/// <summary>
/// The lab's broker users and what each may publish and read, kept in one JSON file (readable by its owner
/// alone) that the embedded broker enforces and from which the equivalent Mosquitto password and ACL files are
/// written. Passwords are stored as Mosquitto 2 stores them (PBKDF2-SHA512, <c>$7$</c>), so one hash serves both.
/// </summary>
public sealed class BrokerUsers
{
    private const int Iterations = 101;
    private const int SaltBytes = 12;
    private const int HashBytes = 64;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };

    private readonly Dictionary<string, BrokerUser> _users = new(StringComparer.Ordinal);

    public BrokerUsers(string prefix = "closedloop")
    {
        Prefix = prefix;
    }

    public string Prefix { get; }

    public IReadOnlyCollection<BrokerUser> All => _users.Values;

    public static BrokerUsers Load(string path, string prefix = "closedloop")
    {
        var users = new BrokerUsers(prefix);
        if (!File.Exists(path))
        {
            return users;
        }

        List<BrokerUser>? read;
        try
        {
            read = JsonSerializer.Deserialize<List<BrokerUser>>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a users file (as `closedloop broker user` writes it): {e.Message}", e);
        }

        foreach (var user in read ?? [])
        {
            if (string.IsNullOrEmpty(user?.Name) || string.IsNullOrEmpty(user.PasswordHash))
            {
                throw new InvalidDataException($"{path} is not a users file: every entry needs a name, a role and a password hash");
            }

            users._users[user.Name] = user;
        }

        return users;
    }

    public void Save(string path)
    {
        PrivateFile.Write(path, JsonSerializer.Serialize(_users.Values.OrderBy(u => u.Name, StringComparer.Ordinal).ToList(), Json));
    }

    /// <summary>Adds or replaces a user. Names are MQTT user names: no spaces, no topic wildcards or separators.</summary>
    public void Set(string name, BrokerRole role, string password)
    {
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c is '/' or '+' or '#' or ':') || name == LoggerTopics.LoggersLevel)
        {
            throw new ArgumentException($"'{name}' cannot be a broker user name: expected no spaces, '/', '+', '#' or ':'", nameof(name));
        }

        if (role is BrokerRole.Operator or BrokerRole.Logger && SenderName.Pack(name) <= 0)
        {
            // Rigs journal the user a command came from (the last level of its topic) as its sender.
            throw new ArgumentException($"'{name}' cannot be an {role.ToString().ToLowerInvariant()}'s user name: rigs journal it as a command's sender, so it must be {SenderName.Rule}", nameof(name));
        }

        _users[name] = new BrokerUser(name, role, Hash(password, RandomNumberGenerator.GetBytes(SaltBytes)));
    }

    public BrokerUser? Find(string? name) => name is not null && _users.TryGetValue(name, out var user) ? user : null;

    /// <summary>The user when the password is right, else null.</summary>
    public BrokerUser? Authenticate(string? name, string? password)
    {
        if (name is null || password is null || !_users.TryGetValue(name, out var user))
        {
            return null;
        }

        string[] parts = user.PasswordHash.Split('$');
        if (parts.Length != 5 || parts[1] != "7" || !int.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out int iterations))
        {
            return null;
        }

        byte[] expected = Convert.FromBase64String(parts[4]);
        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(parts[3]), iterations, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? user : null;
    }

    /// <summary>The topic filters the user may publish to.</summary>
    public IReadOnlyList<string> Writes(BrokerUser user) => user.Role switch
    {
        BrokerRole.Rig => [$"{Prefix}/{user.Name}/status", $"{Prefix}/{user.Name}/events", $"{Prefix}/{user.Name}/samples", $"{Prefix}/{user.Name}/config/ack", $"{Prefix}/{user.Name}/config/applied"],
        // Commands and replay requests only under the user's own name: the rig journals that level as the sender.
        BrokerRole.Logger => [$"{Prefix}/+/{Topics.ReplayLeaf}/{user.Name}", $"{Prefix}/{LoggerTopics.LoggersLevel}/{user.Name}/status"],
        BrokerRole.Operator => [$"{Prefix}/+/{Topics.CommandsLeaf}/{user.Name}", $"{Prefix}/+/config", $"{Prefix}/+/sessions", $"{Prefix}/+/yokes", $"{Prefix}/+/{Topics.AuditLeaf}/{user.Name}"],
        _ => [],
    };

    /// <summary>The topic filters the user may read.</summary>
    public IReadOnlyList<string> Reads(BrokerUser user) => user.Role switch
    {
        // A rig reads its own status too: another rig publishing under its id shows there.
        BrokerRole.Rig => [$"{Prefix}/{user.Name}/{Topics.CommandsLeaf}/+", $"{Prefix}/{user.Name}/{Topics.ReplayLeaf}/+", $"{Prefix}/{user.Name}/config", $"{Prefix}/{user.Name}/status"],
        _ => [$"{Prefix}/#"],
    };

    public bool MayPublish(BrokerUser user, string topic) => Writes(user).Any(filter => Covers(filter, topic));

    public bool MaySubscribe(BrokerUser user, string filter) => Reads(user).Any(allowed => Covers(allowed, filter));

    /// <summary>Mosquitto's password file for these users (same hashes).</summary>
    public string MosquittoPasswordFile() =>
        string.Concat(_users.Values.OrderBy(u => u.Name, StringComparer.Ordinal).Select(u => $"{u.Name}:{u.PasswordHash}\n"));

    /// <summary>Mosquitto's ACL file granting each user what the embedded broker grants it.</summary>
    public string MosquittoAclFile()
    {
        var text = new StringBuilder();
        foreach (var user in _users.Values.OrderBy(u => u.Name, StringComparer.Ordinal))
        {
            text.Append("user ").Append(user.Name).Append('\n');
            foreach (string topic in Writes(user))
            {
                text.Append("topic write ").Append(topic).Append('\n');
            }

            foreach (string topic in Reads(user))
            {
                text.Append("topic read ").Append(topic).Append('\n');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// True when every topic <paramref name="requested"/> can match is matched by <paramref name="allowed"/> (MQTT
    /// filters, level by level: '#' covers the rest, '+' covers one level that is not '#').
    /// </summary>
    public static bool Covers(string allowed, string requested)
    {
        string[] a = allowed.Split('/');
        string[] r = requested.Split('/');
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] == "#")
            {
                return true;
            }

            if (i >= r.Length || r[i] == "#" || (a[i] != "+" && a[i] != r[i]))
            {
                return false;
            }
        }

        return a.Length == r.Length;
    }

    private static string Hash(string password, byte[] salt)
    {
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"$7${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }
}
