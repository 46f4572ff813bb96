// The console page: draws what the console's streams send, nothing more. Every value comes from the rigs' own
// statuses and events, as the host heard them. Each feature is a module; this one starts them.
import { blind } from './api.js';
import { setText } from './dom.js';
import { takeSnapshot } from './rigs.js';
import './cards.js';
import { startTraces } from './traces.js';
import { startSessions } from './sessions.js';
import { startPresets } from './presets.js';
import { startTuning } from './tuning.js';

document.getElementById('blinded').hidden = !blind;
const broker = document.getElementById('broker');
const stream = new EventSource('/api/stream');
stream.onmessage = message => takeSnapshot(JSON.parse(message.data));
stream.onerror = () => {
  setText(broker, 'The console is not answering; retrying.');
  broker.classList.add('down');
};
startTraces();
startTuning();
startSessions();
startPresets();
