using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace ClosedLoop.Host.Studies;

/// <summary>A value read from a TOML file, with the 1-based line it was written on (for errors that point at it).</summary>
public abstract class TomlNode(int line)
{
    public int Line { get; } = line;
}

/// <summary>A string, integer, float or boolean.</summary>
public sealed class TomlScalar(object value, int line) : TomlNode(line)
{
    public object Value { get; } = value;
}

/// <summary>A list of values (`[a, b]`) or of tables (`[[name]]`).</summary>
public sealed class TomlList(IReadOnlyList<TomlNode> items, int line) : TomlNode(line)
{
    public IReadOnlyList<TomlNode> Items { get; } = items;
}

/// <summary>A table: its keys in the order they were written.</summary>
public sealed class TomlTableNode(int line) : TomlNode(line)
{
    private readonly List<KeyValuePair<string, TomlNode>> _entries = [];

    public IReadOnlyList<KeyValuePair<string, TomlNode>> Entries => _entries;

    public TomlNode? this[string key] => _entries.FirstOrDefault(e => e.Key == key).Value;

    internal void Add(string key, TomlNode value) => _entries.Add(new(key, value));
}

/// <summary>An error in a TOML file: its line and what is wrong there.</summary>
public sealed record TomlError(int Line, string Message);

/// <summary>
/// TOML to a tree that remembers lines. Tomlyn parses (every TOML rule, its own diagnostics); this walk keeps each
/// key's line, which the object model drops, so a study file's errors can name the line as well as the field.
/// </summary>
public static class TomlTree
{
    /// <summary>The document's root table, or the errors that stop it being read (syntax, duplicate keys).</summary>
    public static (TomlTableNode? Root, IReadOnlyList<TomlError> Errors) Parse(string text, string sourceName)
    {
        var document = SyntaxParser.Parse(text, sourceName, false);
        var errors = new List<TomlError>();
        foreach (var diagnostic in document.Diagnostics)
        {
            if (diagnostic.Kind == DiagnosticMessageKind.Error)
            {
                errors.Add(new TomlError(LineOf(diagnostic.Span), diagnostic.Message));
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var root = new TomlTableNode(1);
        var arrays = new Dictionary<TomlTableNode, Dictionary<string, List<TomlNode>>>();
        AddItems(root, document.KeyValues, errors, arrays);
        foreach (var table in document.Tables)
        {
            var path = KeyPath(table.Name!);
            int line = LineOf(table.Span);
            TomlTableNode? target = table is TableArraySyntax
                ? AppendTableToArray(root, path, line, errors, arrays)
                : OpenTable(root, path, line, errors, arrays);
            if (target is not null)
            {
                AddItems(target, table.Items, errors, arrays);
            }
        }

        return errors.Count > 0 ? (null, errors) : (root, errors);
    }

    private static void AddItems(TomlTableNode table, IEnumerable<KeyValueSyntax> items, List<TomlError> errors, Dictionary<TomlTableNode, Dictionary<string, List<TomlNode>>> arrays)
    {
        foreach (var item in items)
        {
            var path = KeyPath(item.Key!);
            int line = LineOf(item.Span);
            var parent = Descend(table, path[..^1], line, errors, arrays);
            if (parent is null)
            {
                continue;
            }

            if (parent[path[^1]] is not null)
            {
                errors.Add(new TomlError(line, $"'{string.Join('.', path)}' is given twice"));
                continue;
            }

            parent.Add(path[^1], Value(item.Value!, line, errors, arrays));
        }
    }

    private static TomlNode Value(ValueSyntax syntax, int line, List<TomlError> errors, Dictionary<TomlTableNode, Dictionary<string, List<TomlNode>>> arrays) => syntax switch
    {
        StringValueSyntax s => new TomlScalar(s.Value ?? string.Empty, line),
        IntegerValueSyntax i => new TomlScalar(i.Value, line),
        FloatValueSyntax f => new TomlScalar(f.Value, line),
        BooleanValueSyntax b => new TomlScalar(b.Value, line),
        DateTimeValueSyntax d => new TomlScalar(d.ToString()!.Trim(), line),
        ArraySyntax a => new TomlList([.. a.Items.Select(item => Value(item.Value!, line, errors, arrays))], line),
        InlineTableSyntax t => Inline(t, line, errors, arrays),
        _ => new TomlScalar(syntax.ToString()!.Trim(), line),
    };

    private static TomlTableNode Inline(InlineTableSyntax syntax, int line, List<TomlError> errors, Dictionary<TomlTableNode, Dictionary<string, List<TomlNode>>> arrays)
    {
        var table = new TomlTableNode(line);
        AddItems(table, syntax.Items.Select(i => i.KeyValue!), errors, arrays);
        return table;
    }

    private static TomlTableNode? OpenTable(TomlTableNode root, string[] path, int line, List<TomlError> errors, Dictionary<TomlTableNode, Dictionary<string, List<TomlNode>>> arrays)
    {
        var parent = Descend(root, path[..^1], line, errors, arrays);
        if (parent is null)
        {
            return null;
        }

        switch (parent[path[^1]])
        {
            case null:
                var table = new TomlTableNode(line);
                parent.Add(path[^1], table);
                return table;
            case TomlTableNode existing when existing.Entries.All(e => e.Value is TomlTableNode):
                // [a.b] written before [a]: [a] may still add its own keys.
                return existing;
            default:
                errors.Add(new TomlError(line, $"table [{string.Join('.', path)}] is defined twice"));
                return null;
        }
    }

    private static TomlTableNode? AppendTableToArray(TomlTableNode root, string[] path, int line, List<TomlError> errors, Dictionary<TomlTableNode, Dictionary<string, List<TomlNode>>> arrays)
    {
        var parent = Descend(root, path[..^1], line, errors, arrays);
        if (parent is null)
        {
            return null;
        }

        var table = new TomlTableNode(line);
        if (!arrays.TryGetValue(parent, out var lists))
        {
            arrays[parent] = lists = [];
        }

        if (lists.TryGetValue(path[^1], out var items))
        {
            items.Add(table);
            return table;
        }

        if (parent[path[^1]] is not null)
        {
            errors.Add(new TomlError(line, $"[[{string.Join('.', path)}]] names a key that is not a list of tables"));
            return null;
        }

        items = [table];
        lists[path[^1]] = items;
        parent.Add(path[^1], new TomlList(items, line));
        return table;
    }

    private static TomlTableNode? Descend(TomlTableNode table, string[] path, int line, List<TomlError> errors, Dictionary<TomlTableNode, Dictionary<string, List<TomlNode>>> arrays)
    {
        var current = table;
        for (int i = 0; i < path.Length; i++)
        {
            switch (current[path[i]])
            {
                case null:
                    var created = new TomlTableNode(line);
                    current.Add(path[i], created);
                    current = created;
                    break;
                case TomlTableNode next:
                    current = next;
                    break;
                case TomlList list when list.Items.Count > 0 && list.Items[^1] is TomlTableNode last && arrays.ContainsKey(current) && arrays[current].ContainsKey(path[i]):
                    // [a.b] after [[a]] belongs to the last table of a.
                    current = last;
                    break;
                default:
                    errors.Add(new TomlError(line, $"'{string.Join('.', path[..(i + 1)])}' is a value, not a table"));
                    return null;
            }
        }

        return current;
    }

    private static string[] KeyPath(KeySyntax key) =>
        [Name(key.Key!), .. key.DotKeys.Select(d => Name(d.Key!))];

    private static string Name(BareKeyOrStringValueSyntax key) => key switch
    {
        BareKeySyntax bare => bare.Key!.Text!,
        StringValueSyntax quoted => quoted.Value ?? string.Empty,
        _ => key.ToString()?.Trim() ?? string.Empty,
    };

    private static int LineOf(SourceSpan span) => span.Start.Line + 1;
}
