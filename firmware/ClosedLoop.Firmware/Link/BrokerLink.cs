using System;
using System.Threading;
using ClosedLoop.Engine;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Firmware.Acquisition;
using ClosedLoop.Firmware.Board;
using ClosedLoop.Firmware.Output;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;
using System.Security.Cryptography.X509Certificates;

namespace ClosedLoop.Firmware.Link
{
    /// <summary>
    /// The board's connection to the lab broker, on its own thread so the experiment never waits for the network:
    /// Wi-Fi, then MQTT with an offline last will; a retained status; every journaled event and numbered sample frame
    /// at QoS 1, in order, the next one only after the broker acknowledged the last, through the engine's
    /// <see cref="PublishQueue"/> (RAM, then flash, then events_lost and frames_lost; the virtual rig publishes through
    /// the same queue); commands and configs applied through the engine. Handlers of incoming messages only take the engine lock briefly or leave work for
    /// this thread.
    /// </summary>
    public sealed class BrokerLink : ICommandEffects, IProcessedSampleSink
    {
        private const int AckTimeoutMs = 5000;
        private const int RetryMs = 2000;
        private const int IdleMs = 20;

        /// <summary>Configs that may wait for the link thread at once; each is applied and answered in turn.</summary>
        private const int PendingConfigs = 4;

        /// <summary>Frames published before the next event gets its turn (about a second's worth at 130 Hz).</summary>
        private const int FramesPerTurn = 10;

        private readonly ClosedLoopEngine _engine;
        private readonly object _engineLock;
        private readonly LinkSettings _settings;
        private readonly Topics _topics;
        private readonly string _rigId;
        private readonly long _bootId;
        private readonly PublishQueue _queue;
        private readonly SelfTestRunner _selfTest;
        private readonly RmtExcitation _excitation;
        private readonly CommandDispatcher _commands;
        private readonly EventJson _eventJson = new EventJson();
        private readonly byte[] _eventBuffer = new byte[EventJson.MaxEventBytes];
        private readonly JournalEvent _peeked = new JournalEvent();
        private readonly byte[] _status = new byte[StatusJson.MaxBytes];
        private readonly StatusChanges _statusChanges = new StatusChanges();
        private readonly byte[] _frameBuffer;
        private readonly AutoResetEvent _acknowledged = new AutoResetEvent(false);
        private readonly LoopThread _thread;
        private readonly BackgroundAttempt _connecting;
        private MqttClient _client;
        private bool _wifi;
        private bool _connected;
        private int _ackedId = -1;
        private bool _ackedOk;
        private bool _selfTestRequested;
        private readonly byte[][] _pendingConfigs = new byte[PendingConfigs][];
        private int _pendingConfigCount;

        public BrokerLink(ClosedLoopEngine engine, object engineLock, LinkSettings settings, IEventSpillStore spill, long spillBytes, IEventSpillStore frameSpill, long frameSpillBytes, SelfTestRunner selfTest, RmtExcitation excitation)
        {
            _excitation = excitation;
            _engine = engine;
            _engineLock = engineLock;
            _settings = settings;
            lock (engineLock)
            {
                _rigId = engine.Journal.RigId;
                _bootId = engine.Journal.BootId;
            }

            _topics = new Topics(settings.TopicPrefix, _rigId);
            _queue = new PublishQueue(engine, engineLock, settings.SampleBatch, spill, spillBytes, frameSpill, frameSpillBytes);
            _selfTest = selfTest;
            _commands = new CommandDispatcher(engine, this);
            _frameBuffer = new byte[_queue.MaxFrameBytes];
            _thread = new LoopThread(Run, ThreadPriority.Normal);
            _connecting = new BackgroundAttempt(Connect);
        }

        public void Start() => _thread.Start();

        /// <summary>Ends the link thread and leaves the broker cleanly, saying offline (a will is only sent on a lost connection).</summary>
        public void Stop()
        {
            _thread.Stop();

            // A join still under way would connect after the offline status below: let it end first (at most
            // WifiConnection.TimeoutMs), so that what is left behind is the offline status.
            _connecting.Wait();
            if (_connected)
            {
                try
                {
                    int length = StatusJson.WriteOffline(_rigId, _bootId, _status, 0);
                    Publish(_topics.Status, Slice(_status, length), MqttQoSLevel.AtLeastOnce, true);
                }
                catch (Exception)
                {
                    // The broker is gone already; its copy of the will says offline.
                }
            }

            Disconnect();
        }

        /// <summary>
        /// Called by the engine (sampling thread, engine lock held) for each processed sample. Frames are kept in RAM
        /// (journal.frame_capacity) until the link thread has published them and for replays after that.
        /// </summary>
        public void OnProcessed(ProcessedSample sample)
        {
            _queue.OnProcessed(sample);
        }

        /// <summary>A logger asked for sample frames again (dispatcher, engine lock held): served by the link thread.</summary>
        public void ReplayFrames(long fromFrame)
        {
            _queue.RequestFrameReplay(fromFrame);
        }

        /// <summary>A logger asked for events again (dispatcher, engine lock held): served by the link thread.</summary>
        public void Replay(long fromSequence)
        {
            _queue.RequestEventReplay(fromSequence);
        }

        /// <summary>The self-test takes seconds: it runs on the link thread, not in the message handler.</summary>
        public void SelfTest()
        {
            _selfTestRequested = true;
        }

        private void Run()
        {
            while (_thread.Running)
            {
                try
                {
                    _queue.ServiceSpills();
                    if (_selfTestRequested)
                    {
                        _selfTestRequested = false;
                        _selfTest.Run(_engine, _engineLock);
                    }

                    if (!_connected || _connecting.Pending)
                    {
                        // Joining Wi-Fi and the broker runs on its own thread (it can block for a minute) while
                        // this one keeps the spill going; publishing waits until the attempt has ended.
                        _connecting.Start();
                        if (!_connecting.Finished)
                        {
                            Pause(IdleMs);
                            continue;
                        }

                        if (!_connecting.TakeResult())
                        {
                            Pause(RetryMs);
                            continue;
                        }
                    }

                    ApplyPendingConfigs();
                    _queue.ReportLosses();
                    PublishStatusIfChanged();
                    PublishFrames();
                    if (!PublishNextEvent())
                    {
                        Thread.Sleep(IdleMs);
                    }
                }
                catch (Exception)
                {
                    // Broker or network trouble: drop the connection and start again; nothing unacknowledged is lost.
                    Disconnect();
                    Pause(RetryMs);
                }
            }
        }

        /// <summary>Waits before a retry, in short steps that keep the flash spill going and do not hold up Stop.</summary>
        private void Pause(int milliseconds)
        {
            for (int waited = 0; waited < milliseconds && _thread.Running; waited += IdleMs)
            {
                _queue.ServiceSpills();
                Thread.Sleep(IdleMs);
            }
        }

        private bool Connect()
        {
            if (!_wifi)
            {
                _wifi = WifiConnection.Connect(_settings.WifiSsid, _settings.WifiPassword, _settings.Tls);
                if (!_wifi)
                {
                    return false;
                }
            }

            X509Certificate ca = _settings.Tls && _settings.CaCertificate != null ? new X509Certificate(_settings.CaCertificate) : null;
            MqttClient client = new MqttClient(_settings.BrokerHost, _settings.BrokerPort, _settings.Tls, ca, null, _settings.Tls ? MqttSslProtocols.TLSv1_2 : MqttSslProtocols.None);
            client.MqttMsgPublishReceived += OnMessage;
            client.MqttMsgPublished += OnPublished;
            client.ConnectionClosed += OnConnectionClosed;

            int offlineLength = StatusJson.WriteOffline(_rigId, _bootId, _status, 0);
            int errorOffset;
            string offline = Utf8Text.Decode(Slice(_status, offlineLength), offlineLength, out errorOffset);
            string user = _settings.Username.Length == 0 ? null : _settings.Username;
            string password = _settings.Password.Length == 0 ? null : _settings.Password;
            // The boot in the client id: a second board with this id must not take this one's session.
            MqttReasonCode code = client.Connect("closedloop-rig-" + _rigId + "-" + _bootId.ToString(), user, password, true, MqttQoSLevel.AtLeastOnce, true, _topics.Status, offline, true, 30);
            if (code != MqttReasonCode.Success)
            {
                client.Dispose();
                return false;
            }

            client.Subscribe(
                new string[] { _topics.CommandsFilter, _topics.ReplayFilter, _topics.Config, _topics.Status },
                new MqttQoSLevel[] { MqttQoSLevel.AtLeastOnce, MqttQoSLevel.AtLeastOnce, MqttQoSLevel.AtLeastOnce, MqttQoSLevel.AtMostOnce });
            _client = client;
            _statusChanges.Forget();
            _connected = true;
            PublishAppliedConfig();
            return true;
        }

        private void Disconnect()
        {
            _connected = false;
            MqttClient client = _client;
            _client = null;
            if (client != null)
            {
                try
                {
                    client.Dispose();
                }
                catch (Exception)
                {
                    // Already gone.
                }
            }
        }

        private void OnConnectionClosed(object sender, EventArgs e)
        {
            _connected = false;
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            _ackedOk = e.IsPublished;
            _ackedId = e.MessageId;
            _acknowledged.Set();
        }

        private void OnMessage(object sender, MqttMsgPublishEventArgs e)
        {
            string commandSender;
            bool replayOnly;
            if (_topics.TryCommandTopic(e.Topic, out commandSender, out replayOnly))
            {
                lock (_engineLock)
                {
                    _commands.Dispatch(e.Message, 0, e.Message.Length, e.Retain, commandSender, replayOnly);
                }
            }
            else if (e.Topic == _topics.Status)
            {
                lock (_engineLock)
                {
                    _engine.OnOwnStatus(e.Message, e.Message.Length, e.Retain);
                }
            }
            else if (e.Topic == _topics.Config && e.Message.Length > 0)
            {
                // Applied by the link thread, which also answers on config/ack: every one, in the order they came.
                lock (_pendingConfigs)
                {
                    if (_pendingConfigCount == PendingConfigs)
                    {
                        // A flood: the oldest waiting config is superseded by a newer one anyway.
                        Array.Copy(_pendingConfigs, 1, _pendingConfigs, 0, PendingConfigs - 1);
                        _pendingConfigCount--;
                    }

                    _pendingConfigs[_pendingConfigCount++] = e.Message;
                }
            }
        }

        private void ApplyPendingConfigs()
        {
            while (true)
            {
                byte[] config;
                lock (_pendingConfigs)
                {
                    if (_pendingConfigCount == 0)
                    {
                        return;
                    }

                    config = _pendingConfigs[0];
                    Array.Copy(_pendingConfigs, 1, _pendingConfigs, 0, PendingConfigs - 1);
                    _pendingConfigs[--_pendingConfigCount] = null;
                }

                ApplyConfig(config);
            }
        }

        private void ApplyConfig(byte[] config)
        {
            byte[] ack;
            lock (_engineLock)
            {
                ConfigLoadResult result = _engine.ApplyConfig(config, config.Length);
                ack = ConfigAckJson.Write(_rigId, _engine.Config.Hash, result);
                if (result.IsValid)
                {
                    // The new config restarted the LEDs.
                    RigBoard.ReportExcitation(_engine, _engineLock, _excitation);
                }
            }

            Publish(_topics.ConfigAck, ack, MqttQoSLevel.AtLeastOnce, false);
            PublishAppliedConfig();
        }

        /// <summary>The config in force, whole and without secrets, retained on config/applied: the logger keeps what ran.</summary>
        private void PublishAppliedConfig()
        {
            byte[] text;
            lock (_engineLock)
            {
                text = ConfigText.Render(_engine.Config.Values);
            }

            Publish(_topics.ConfigApplied, text, MqttQoSLevel.AtLeastOnce, true);
        }

        private void PublishStatusIfChanged()
        {
            byte[] status = null;
            bool heartbeat = false;
            lock (_engineLock)
            {
                if (_statusChanges.Check(_engine, _queue.NewestFrame))
                {
                    status = Slice(_statusChanges.Buffer, _statusChanges.Length);
                    heartbeat = _statusChanges.IsHeartbeat;
                }
            }

            if (status != null)
            {
                // A heartbeat (only its time changed) need not wait for the broker: the next one follows within a second.
                Publish(_topics.Status, status, heartbeat ? MqttQoSLevel.AtMostOnce : MqttQoSLevel.AtLeastOnce, true);
            }
        }

        /// <summary>Publishes the frames the broker has not taken, in number order (a few per turn, so that events keep flowing).</summary>
        private void PublishFrames()
        {
            for (int turn = 0; turn < FramesPerTurn; turn++)
            {
                int length = _queue.TakeNextFrame(_frameBuffer);
                if (length == 0)
                {
                    return;
                }

                Publish(_topics.Samples, Slice(_frameBuffer, length), MqttQoSLevel.AtLeastOnce, false);
                _queue.FrameSent();
            }
        }

        /// <summary>Publishes the next event and waits for the broker to take it; false when there is none.</summary>
        private bool PublishNextEvent()
        {
            if (!_queue.TryPeekEvent(_peeked))
            {
                return false;
            }

            int length = _eventJson.Write(_rigId, _bootId, _peeked, _eventBuffer, 0);
            Publish(_topics.Events, Slice(_eventBuffer, length), MqttQoSLevel.AtLeastOnce, false);
            _queue.EventSent(_peeked);
            return true;
        }

        /// <summary>Publishes and, at QoS 1, waits for the broker's acknowledgement; throws when it does not come.</summary>
        private void Publish(string topic, byte[] payload, MqttQoSLevel qos, bool retain)
        {
            _acknowledged.Reset();
            ushort id = _client.Publish(topic, payload, null, null, qos, retain);
            if (qos == MqttQoSLevel.AtMostOnce)
            {
                return;
            }

            while (_ackedId != id)
            {
                if (!_acknowledged.WaitOne(AckTimeoutMs, false))
                {
                    throw new Exception("no acknowledgement from the broker");
                }
            }

            if (!_ackedOk)
            {
                throw new Exception("the broker did not take the message");
            }
        }

        private static byte[] Slice(byte[] buffer, int length)
        {
            byte[] copy = new byte[length];
            Array.Copy(buffer, copy, length);
            return copy;
        }
    }
}
