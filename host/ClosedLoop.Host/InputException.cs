namespace ClosedLoop.Host;

/// <summary>
/// Input a person gave that cannot be used (a file, a value, a choice), said in one line: which input, what it held
/// and what was expected. Whoever took the input says it in its own way: the command line as a usage error (exit
/// code 2), the console as the answer to the request.
/// </summary>
public class InputException(string message) : Exception(message);
