namespace ClosedLoop.Host.Mqtt;

/// <summary>
/// Follows the MQTT packets a client sends, byte by byte as they are read, and refuses one by its declared length
/// before anything of it is kept: each packet is a fixed header (type and flags, then the remaining length as a
/// variable byte integer of up to four bytes, MQTT 5.0 §2.1 and §1.5.5, the same in 3.1.1) and that many bytes.
/// The first packet must be a CONNECT of at most <see cref="MaxConnectBytes"/>; no packet may exceed
/// <see cref="MaxPacketBytes"/>. MQTTnet reads a header and then allocates the whole declared body, so a client
/// that declared 200 MB was given 200 MB before anyone knew who it was.
/// </summary>
public sealed class MqttPacketGuard
{
    /// <summary>A CONNECT (client id, will, user name, password) before its sender is known: a few KB at most.</summary>
    public const int MaxConnectBytes = 4096;

    /// <summary>Any packet after it: a message within <see cref="EmbeddedBroker.MaxMessageBytes"/> with its topic and properties.</summary>
    public const int MaxPacketBytes = EmbeddedBroker.MaxMessageBytes + 4096;

    private const int ConnectType = 1;

    private int _lengthBytes = -1;
    private long _length;
    private long _body;
    private int _type;
    private bool _first = true;

    /// <summary>Follows more bytes of the client's stream; returns why it must be closed, or null.</summary>
    public string? Take(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            if (_body > 0)
            {
                // Inside a body: what remains of it in these bytes is passed over at once.
                int skip = (int)Math.Min(_body, bytes.Length - i);
                _body -= skip;
                i += skip;
                continue;
            }

            byte b = bytes[i++];
            if (_lengthBytes < 0)
            {
                _type = b >> 4;
                if (_first && _type != ConnectType)
                {
                    return $"the first packet is of type {_type}, not CONNECT";
                }

                _lengthBytes = 0;
                _length = 0;
                continue;
            }

            _length |= (long)(b & 0x7F) << (7 * _lengthBytes);
            _lengthBytes++;
            if ((b & 0x80) != 0)
            {
                if (_lengthBytes == 4)
                {
                    return "a remaining length longer than four bytes";
                }

                continue;
            }

            long limit = _first ? MaxConnectBytes : MaxPacketBytes;
            if (_length > limit)
            {
                return $"a {(_first ? "CONNECT" : "packet")} declaring {_length} bytes, more than the {limit} allowed";
            }

            _first = false;
            _lengthBytes = -1;
            _body = _length;
        }

        return null;
    }
}
