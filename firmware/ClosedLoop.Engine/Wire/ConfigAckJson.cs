using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// A rig's answer to a config, quoting the hash now in force:
    /// <code>{"v":1,"rig":"rig-01","applied":true,"config":"bf0e25556afdff88"}</code>
    /// <code>{"v":1,"rig":"rig-01","applied":false,"config":"bf0e25556afdff88","errors":[{"field":"detector.pre_ms","value":"5","expected":"expected an integer from 100 to 60000"}]}</code>
    /// A cold path: the buffer is sized for the errors it carries.
    /// </summary>
    public static class ConfigAckJson
    {
        public const int Version = 1;

        public static byte[] Write(string rigId, string activeHash, ConfigLoadResult result)
        {
            int size = 128 + rigId.Length;
            ConfigError[] errors = result.IsValid ? new ConfigError[0] : result.Errors;
            for (int i = 0; i < errors.Length; i++)
            {
                size += 8 + JsonWriter.MaxEscapedBytes("field", errors[i].Field.Length)
                    + JsonWriter.MaxEscapedBytes("value", errors[i].Value.Length)
                    + JsonWriter.MaxEscapedBytes("expected", errors[i].Expected.Length);
            }

            byte[] buffer = new byte[size];
            JsonWriter w = new JsonWriter();
            w.Begin(buffer, 0);
            w.Integer("v", Version);
            w.Text("rig", rigId);
            w.Boolean("applied", result.IsValid);
            w.Hex("config", ClosedLoopEngine.HashBits(activeHash));
            if (!result.IsValid)
            {
                w.BeginArray("errors");
                for (int i = 0; i < errors.Length; i++)
                {
                    w.BeginElement();
                    w.EscapedText("field", errors[i].Field);
                    w.EscapedText("value", errors[i].Value);
                    w.EscapedText("expected", errors[i].Expected);
                    w.EndElement();
                }

                w.EndArray();
            }

            int length = w.End();
            byte[] message = new byte[length];
            System.Array.Copy(buffer, message, length);
            return message;
        }
    }
}
