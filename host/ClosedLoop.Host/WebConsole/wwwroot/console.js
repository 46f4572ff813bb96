// The console page: draws what /api/stream sends, nothing more. The page never claims a state a rig has not
// reported: every value comes from the rig's own status and events, as the host heard them.
'use strict';

const rigList = document.getElementById('rigs');
const empty = document.getElementById('empty');
const broker = document.getElementById('broker');

function element(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, value);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function state(word, kind) {
  return element('li', { class: 'state ' + kind }, word);
}

const token = document.querySelector('meta[name="closedloop-token"]').content;
// A viewer's page has no controls (the console refuses a viewer's commands anyway).
const mayCommand = document.querySelector('meta[name="closedloop-role"]').content === 'operator';
// A blinded console (a blinded study) shows nothing that tells a rig's condition; the console refuses it anyway.
const blind = document.querySelector('meta[name="closedloop-blind"]').content === 'true';
document.getElementById('blinded').hidden = !blind;
const cards = new Map();

// The console's JSON answer; a login that has ended (removed user, changed role, expiry) is said as such.
async function answerOf(response) {
  if (response.status === 401) {
    return { error: 'your login has ended: reload the page to log in again' };
  }
  return response.json();
}

// Sends a command and shows the rig's own answer (accepted, or the engine's refusal reason) on its card.
async function send(rig, command, outcome, form) {
  outcome.textContent = command + ': sent, waiting for ' + rig + '…';
  try {
    const response = await fetch('/api/rigs/' + encodeURIComponent(rig) + '/' + command, { method: 'POST', headers: { 'X-ClosedLoop-Token': token }, body: form });
    const answer = await answerOf(response);
    outcome.textContent = answer.error ? command + ': ' + answer.error : command + ': ' + (answer.accepted ? 'accepted' : 'refused: ' + answer.result);
  } catch (error) {
    outcome.textContent = command + ': the console did not answer (' + error + ')';
  }
}

function button(text, kind, action) {
  const node = element('button', { type: 'button', class: kind }, text);
  node.addEventListener('click', action);
  return node;
}

// A card is made once per rig and then updated in place, so its buttons keep their focus and its last answer stays.
function newCard(rig) {
  const item = element('li', { class: 'rig', 'data-rig': rig, 'aria-label': 'Rig ' + rig });
  item.appendChild(element('h3', {}, rig));
  const states = element('ul', { class: 'states', 'aria-label': 'State of ' + rig });
  const facts = element('dl');
  const trace = element('canvas', { class: 'trace', role: 'img', 'aria-label': 'dF/F and z of ' + rig + ': no samples yet' });
  const summary = element('p', { class: 'trace-summary', 'data-field': 'trace-summary' }, 'No samples yet.');
  const events = element('ol', { class: 'events', 'aria-label': 'Latest events of ' + rig });
  const outcome = element('p', { class: 'outcome', role: 'status', 'aria-live': 'polite' });
  const summaryAndEvents = [states, facts, trace, summary, events];
  if (!mayCommand) {
    item.append(...summaryAndEvents, element('p', { class: 'viewer-note' }, 'You are a viewer: you can watch this rig, not command it.'));
    return { item, states, facts, trace, summary, events };
  }
  const controls = element('div', { class: 'controls', role: 'group', 'aria-label': 'Commands for ' + rig });
  // E-stop: always there, one click, no question asked.
  controls.appendChild(button('E-STOP', 'estop', () => send(rig, 'estop', outcome)));
  controls.appendChild(button('Arm…', 'arm', () => {
    if (window.confirm('Arm ' + rig + '? Its outputs may then be driven.')) {
      send(rig, 'arm', outcome);
    }
  }));
  controls.appendChild(button('Disarm', 'disarm', () => send(rig, 'disarm', outcome)));
  controls.appendChild(button('Stop session', 'session-stop', () => send(rig, 'session-stop', outcome)));
  controls.appendChild(button('Encounter start', 'encounter-start', () => send(rig, 'encounter-start', outcome)));
  controls.appendChild(button('Encounter stop', 'encounter-stop', () => send(rig, 'encounter-stop', outcome)));
  if (!blind) {
    controls.appendChild(button('Configure…', 'configure', () => openConfig(rig)));
  }
  controls.appendChild(button('Reset e-stop…', 'estop-reset', () => {
    if (window.confirm('Reset the e-stop of ' + rig + '? This arms nothing.')) {
      send(rig, 'estop-reset', outcome);
    }
  }));
  // A session names its animal.
  const session = element('form', { class: 'session', 'aria-label': 'Start a session on ' + rig });
  const id = 'subject-' + rig;
  session.append(element('label', { for: id }, 'Subject'), element('input', { id: id, name: 'subject', autocomplete: 'off' }),
    element('button', { type: 'submit' }, 'Start session'));
  session.addEventListener('submit', event => {
    event.preventDefault();
    send(rig, 'session-start', outcome, new FormData(session));
  });
  item.append(...summaryAndEvents, controls, session, outcome);
  return { item, states, facts, trace, summary, events };
}

function update(card, rig) {
  card.item.className = 'rig' + (rig.online ? '' : ' offline');
  const states = [rig.online ? state('online', 'good') : state('offline', 'off')];
  if (rig.online) {
    states.push(rig.armed ? state('armed', 'warn') : state('disarmed', 'off'));
    if (rig.eStop) {
      states.push(state('e-stop latched', 'bad'));
    }
    states.push(rig.inSession ? state('in session', 'good') : state('no session', 'off'));
    const link = rig.link;
    const linkGood = link.pending === 0 && link.eventGaps === 0 && link.framesMissed === 0;
    states.push(linkGood ? state('link ok', 'good') : state('link: see below', 'warn'));
    if (rig.faults > 0) {
      states.push(state(rig.faults + ' fault(s)', 'bad'));
    }
  }
  card.states.replaceChildren(...states);
  const link = rig.link;
  card.facts.replaceChildren(
    element('dt', {}, 'boot'), element('dd', { 'data-field': 'boot' }, rig.boot < 0 ? '-' : String(rig.boot)),
    element('dt', {}, 'mode'), element('dd', { 'data-field': 'mode' }, rig.mode),
    element('dt', {}, 'config'), element('dd', { 'data-field': 'config' }, rig.config),
    element('dt', {}, 'link'), element('dd', { 'data-field': 'link' }, link.pending + ' event(s) pending, ' + link.eventGaps + ' event gap(s), ' + link.framesMissed + ' frame(s) missed'),
    element('dt', {}, 'faults'), element('dd', { 'data-field': 'faults' }, rig.faults === 0 ? 'none' : rig.faults + '; latest ' + rig.lastFault));
  card.events.replaceChildren(...rig.events.map(text => element('li', {}, text)));
}

function drawCards(snapshot) {
  broker.textContent = snapshot.brokerConnected ? 'Broker connected.' : 'Broker unreachable: ' + (snapshot.brokerProblem || 'reconnecting') + '. The rigs show what was last heard.';
  broker.className = snapshot.brokerConnected ? '' : 'down';
  empty.hidden = snapshot.rigs.length > 0;
  for (const rig of snapshot.rigs) {
    if (!cards.has(rig.rig)) {
      const card = newCard(rig.rig);
      cards.set(rig.rig, card);
      rigList.appendChild(card.item);
      // The trace stream may have come first: describe what it already brought.
      if (traces.has(rig.rig)) {
        summarise(rig.rig, traces.get(rig.rig));
      }
    }
    update(cards.get(rig.rig), rig);
  }
}

// The config form: every key of the engine's schema, grouped by section, filled with what the rig runs.
const configSection = document.getElementById('config');
const configForm = document.getElementById('config-form');
const configChanges = document.getElementById('config-changes');
const configOutcome = document.getElementById('config-outcome');
let configRig = null;
let checkTimer = null;
const schema = fetch('/api/schema').then(response => response.json());

function post(path) {
  return fetch(path, { method: 'POST', headers: { 'X-ClosedLoop-Token': token }, body: new FormData(configForm) }).then(response => response.json());
}

function field(key, value) {
  const id = 'cfg-' + key.field.replace('.', '-');
  const row = element('div', { class: 'field', 'data-field': key.field });
  row.appendChild(element('label', { for: id }, key.name));
  let input;
  if (key.kind === 'choice' || key.kind === 'boolean') {
    input = element('select', { id: id, name: key.field, 'aria-describedby': id + '-help ' + id + '-error' });
    for (const choice of key.kind === 'boolean' ? ['true', 'false'] : key.choices) {
      const option = element('option', { value: choice }, choice);
      if (choice === value) {
        option.selected = true;
      }
      input.appendChild(option);
    }
  } else {
    input = element('input', { id: id, name: key.field, value: value, autocomplete: 'off', 'aria-describedby': id + '-help ' + id + '-error' });
  }
  row.appendChild(input);
  row.appendChild(element('small', { id: id + '-help' }, key.help + ' (' + key.allowed + '; default ' + key.defaultValue + ')'));
  row.appendChild(element('span', { id: id + '-error', class: 'error' }));
  return row;
}

function showCheck(result) {
  for (const error of configForm.querySelectorAll('.error')) {
    error.textContent = '';
  }
  for (const input of configForm.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
  }
  for (const error of result.errors || []) {
    const row = configForm.querySelector('[data-field="' + error.field + '"]');
    if (row) {
      row.querySelector('.error').textContent = error.value + ': ' + error.expected;
      row.querySelector('input, select').setAttribute('aria-invalid', 'true');
    } else {
      configOutcome.textContent = error.field + ' = ' + error.value + ': ' + error.expected;
    }
  }
  const changes = (result.changed || []).map(c => element('li', {}, c.field + ': ' + (c.from ?? '(default)') + ' → ' + c.to));
  configChanges.replaceChildren(...(changes.length ? changes : [element('li', {}, 'none')]));
}

async function openConfig(rig) {
  const [keys, values] = await Promise.all([schema, fetch('/api/rigs/' + encodeURIComponent(rig) + '/config').then(r => r.json())]);
  configRig = rig;
  document.getElementById('config-title').textContent = 'Config of ' + rig;
  configForm.replaceChildren();
  let section = null;
  let fieldset = null;
  for (const key of keys) {
    if (key.section !== section) {
      section = key.section;
      fieldset = element('fieldset');
      fieldset.appendChild(element('legend', {}, section));
      configForm.appendChild(fieldset);
    }
    fieldset.appendChild(field(key, values[key.field] ?? key.defaultValue));
  }
  configOutcome.textContent = '';
  showCheck({ errors: [], changed: [] });
  configSection.hidden = false;
  configForm.querySelector('input, select').focus();
}

configForm.addEventListener('input', () => {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(async () => showCheck(await post('/api/rigs/' + encodeURIComponent(configRig) + '/config/check')), 250);
});

document.getElementById('config-apply').addEventListener('click', async () => {
  configOutcome.textContent = 'checking and sending to ' + configRig + '…';
  const result = await post('/api/rigs/' + encodeURIComponent(configRig) + '/config/apply');
  showCheck(result);
  configOutcome.textContent = !result.sent
    ? 'not sent: ' + result.errors.length + ' value(s) the engine refuses'
    : result.applied ? configRig + ' applied config ' + result.hash : configRig + ' rejected the config: ' + result.rigErrors.join('; ');
});

document.getElementById('config-close').addEventListener('click', () => {
  configSection.hidden = true;
  configRig = null;
});

const stream = new EventSource('/api/stream');
stream.onmessage = message => drawCards(JSON.parse(message.data));
stream.onerror = () => {
  broker.textContent = 'The console is not answering; retrying.';
  broker.className = 'down';
};

// Live traces: the console sends each rig's 50 ms bins once; the page keeps the longest window and redraws every
// animation frame, the right edge moving with the rig's clock between two updates so the trace scrolls smoothly.
const windowChoice = document.getElementById('trace-window');
const traces = new Map();
const outcomeColours = { response: '#cfe9d6', deficit: '#f6c7bd', drop: '#f8dcae', insufficient: '#e3e3e3', overlap: '#e3e3e3' };
const undecidedColour = '#d5e1f4';
const keptUs = 300e6;
// Counts drawn frames, for the bench that measures how smooth the page stays with many rigs.
window.closedloopTraceFrames = 0;

function traceOf(rig) {
  if (!traces.has(rig)) {
    traces.set(rig, { points: [], encounters: [], trains: [], threshold: null, postUs: null, latestUs: 0, receivedAt: 0 });
  }
  return traces.get(rig);
}

function takeTraces(updates) {
  for (const update of updates) {
    const trace = traceOf(update.rig);
    if (update.restarted) {
      trace.points = [];
    }
    for (const point of update.points) {
      trace.points.push(point);
    }
    if (update.points.length) {
      trace.latestUs = trace.points[trace.points.length - 1][0];
      trace.receivedAt = performance.now();
      const oldest = trace.latestUs - keptUs;
      let drop = 0;
      while (drop < trace.points.length && trace.points[drop][0] < oldest) {
        drop++;
      }
      if (drop) {
        trace.points.splice(0, drop);
      }
    }
    trace.encounters = update.encounters;
    trace.trains = update.trains;
    trace.threshold = update.threshold;
    trace.postUs = update.postUs;
    summarise(update.rig, trace);
  }
}

function windowUs() {
  return Number(windowChoice.value) * 1e6;
}

// The words beside the picture: what is in view, so colour is never the only signal.
function summarise(rig, trace) {
  const card = cards.get(rig);
  if (!card || !trace.points.length) {
    return;
  }
  const from = trace.latestUs - windowUs();
  const shown = trace.encounters.filter(e => (e.offsetUs ?? trace.latestUs) >= from);
  const counts = {};
  for (const e of shown) {
    const word = e.outcome || 'undecided';
    counts[word] = (counts[word] || 0) + 1;
  }
  const trains = trace.trains.filter(t => t.endUs >= from);
  const sham = trains.filter(t => t.sham).length;
  const last = trace.points[trace.points.length - 1];
  const words = Object.entries(counts).map(([word, n]) => n + ' ' + word).join(', ');
  card.summary.textContent = 'Last ' + windowChoice.value + ' s: ' + shown.length + ' encounter(s)' + (words ? ' (' + words + ')' : '') +
    (blind ? ', ' + trains.length + ' train(s)' : ', ' + (trains.length - sham) + ' train(s), ' + sham + ' sham') +
    (trace.threshold !== null ? '; deficit below Δz ' + trace.threshold : '') + '. Now ' +
    (last[2] === null ? 'z warming up' : 'z ' + last[2].toFixed(2)) + ', dF/F ' + (last[1] * 100).toFixed(2) + ' %.';
  card.trace.setAttribute('aria-label', 'dF/F and z of ' + rig + ' over the last ' + windowChoice.value + ' s; ' + card.summary.textContent);
}

function range(values, minimumLow, minimumHigh) {
  let low = minimumLow;
  let high = minimumHigh;
  for (const value of values) {
    if (value < low) {
      low = value;
    }
    if (value > high) {
      high = value;
    }
  }
  return [low, high];
}

function drawTrace(canvas, trace, now) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  // The right edge follows the rig's clock between updates, never more than half a second past its last sample.
  const rightUs = trace.latestUs + Math.min(now - trace.receivedAt, 500) * 1000;
  const leftUs = rightUs - windowUs();
  const x = t => (t - leftUs) * width / (rightUs - leftUs);
  const strip = 8;
  const split = Math.round((height - strip) * 0.45) + strip;
  // Encounters shaded by the rig's decision, then the threshold the decision was held to (pre-onset z + threshold).
  for (const e of trace.encounters) {
    const end = e.offsetUs ?? rightUs;
    if (end < leftUs) {
      continue;
    }
    g.fillStyle = e.outcome ? outcomeColours[e.outcome] : undecidedColour;
    g.fillRect(x(e.onsetUs), strip, Math.max(2, x(end) - x(e.onsetUs)), height - strip);
  }
  // Trains along the top: driven solid, sham outlined.
  for (const t of trace.trains) {
    if (t.endUs < leftUs) {
      continue;
    }
    const left = x(t.startUs);
    const span = Math.max(3, x(t.endUs) - left);
    if (t.sham) {
      g.strokeStyle = '#555';
      g.lineWidth = 1.5;
      g.strokeRect(left, 1, span, strip - 2);
    } else {
      g.fillStyle = '#b00020';
      g.fillRect(left, 0, span, strip);
    }
  }
  const step = Math.max(1, Math.floor(trace.points.length * (windowUs() / keptUs) / width));
  const visible = [];
  for (let i = trace.points.length - 1; i >= 0; i -= step) {
    const point = trace.points[i];
    if (point[0] < leftUs) {
      break;
    }
    visible.push(point);
  }
  const [dffLow, dffHigh] = range(visible.map(p => p[1] * 100), -0.5, 0.5);
  const [zLow, zHigh] = range(visible.filter(p => p[2] !== null).map(p => p[2]), -2, 3);
  const line = (top, bottom, low, high, value, colour) => {
    g.beginPath();
    g.strokeStyle = colour;
    g.lineWidth = 1.25;
    let drawing = false;
    for (const p of visible) {
      const v = value(p);
      if (v === null) {
        drawing = false;
        continue;
      }
      const y = bottom - (v - low) * (bottom - top) / (high - low);
      if (drawing) {
        g.lineTo(x(p[0]), y);
      } else {
        g.moveTo(x(p[0]), y);
        drawing = true;
      }
    }
    g.stroke();
  };
  line(strip + 2, split - 2, dffLow, dffHigh, p => p[1] * 100, '#2a7b3f');
  line(split + 2, height - 2, zLow, zHigh, p => p[2], '#1f4e9c');
  if (trace.threshold !== null && trace.postUs !== null) {
    g.save();
    g.setLineDash([4, 3]);
    g.strokeStyle = '#7a1500';
    g.lineWidth = 1.5;
    for (const e of trace.encounters) {
      if (e.preZ === null || e.onsetUs + trace.postUs < leftUs) {
        continue;
      }
      const y = height - 2 - (e.preZ + trace.threshold - zLow) * (height - split - 4) / (zHigh - zLow);
      g.beginPath();
      g.moveTo(x(e.onsetUs), y);
      g.lineTo(x(e.onsetUs + trace.postUs), y);
      g.stroke();
    }
    g.restore();
  }
  g.fillStyle = '#333';
  g.font = '11px system-ui, sans-serif';
  g.fillText('dF/F (%) ' + dffLow.toFixed(1) + '…' + dffHigh.toFixed(1), 4, strip + 12);
  g.fillText('z ' + zLow.toFixed(1) + '…' + zHigh.toFixed(1), 4, split + 12);
  g.fillText('−' + windowChoice.value + ' s', 4, height - 4);
  g.fillText('now', width - 24, height - 4);
  g.strokeStyle = '#999';
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(0, split);
  g.lineTo(width, split);
  g.stroke();
}

function animate(now) {
  let drew = false;
  for (const [rig, trace] of traces) {
    const card = cards.get(rig);
    if (card && trace.points.length) {
      drawTrace(card.trace, trace, now);
      drew = true;
    }
  }
  if (drew) {
    window.closedloopTraceFrames++;
  }
  requestAnimationFrame(animate);
}

windowChoice.addEventListener('change', () => {
  for (const [rig, trace] of traces) {
    summarise(rig, trace);
  }
});
const traceStream = new EventSource('/api/traces');
traceStream.onmessage = message => takeTraces(JSON.parse(message.data));
requestAnimationFrame(animate);

// Sessions and data: the log's boots with their counts, each with its report and export bundle one click away.
const sessionsNote = document.getElementById('sessions-note');
const sessionsTable = document.getElementById('sessions-table');

async function loadSessions() {
  const listing = await fetch('/api/sessions').then(response => response.json());
  if (listing.error) {
    sessionsNote.textContent = listing.error;
    sessionsTable.hidden = true;
    tuningSessions([]);
    return;
  }
  sessionsNote.textContent = listing.boots.length + ' logged boot(s) in ' + listing.log + '.';
  const rows = listing.boots.map(b => {
    const row = element('tr', { 'data-rig': b.rig, 'data-boot': String(b.boot) });
    for (const value of [b.rig, b.boot, b.subjects.join(', ') || '-', b.startedUtc || '-', b.encounters, b.deficits, b.trains, b.shamTrains ?? '-', b.refusals, b.faults]) {
      row.appendChild(element('td', {}, String(value)));
    }
    const links = element('td');
    const base = '/api/sessions/' + encodeURIComponent(b.rig) + '/' + b.boot;
    if (listing.blind) {
      links.textContent = 'after unblinding';
    } else {
      links.append(element('a', { href: base + '/report', target: '_blank', rel: 'noopener' }, 'Report'), ' ',
        element('a', { href: base + '/export', download: b.rig + '-boot' + b.boot + '.zip' }, 'Export (zip)'));
    }
    row.appendChild(links);
    return row;
  });
  sessionsTable.querySelector('tbody').replaceChildren(...rows);
  sessionsTable.hidden = rows.length === 0;
  tuningSessions(listing.blind ? [] : listing.boots);
}

document.getElementById('sessions-refresh').addEventListener('click', loadSessions);
loadSessions();

// Presets: save the form's experiment settings under a name; load a preset onto several rigs at once.
const presetChoice = document.getElementById('preset-choice');
const presetRigs = document.getElementById('preset-rigs');
const presetOutcomes = document.getElementById('preset-outcomes');

async function loadPresets() {
  const listing = await fetch('/api/presets').then(response => response.json());
  presetChoice.replaceChildren(...listing.names.map(name => element('option', { value: name }, name)));
}

function presetRigChoices() {
  const known = new Set([...presetRigs.querySelectorAll('input')].map(input => input.value));
  for (const rig of cards.keys()) {
    if (!known.has(rig)) {
      const id = 'preset-rig-' + rig;
      const label = element('label', { for: id });
      label.append(element('input', { type: 'checkbox', id: id, name: 'rigs', value: rig }), ' ' + rig);
      presetRigs.appendChild(label);
    }
  }
}

document.getElementById('preset-save').addEventListener('click', async () => {
  const name = document.getElementById('preset-name').value.trim();
  const outcome = document.getElementById('preset-save-outcome');
  const result = await fetch('/api/presets/' + encodeURIComponent(name), { method: 'POST', headers: { 'X-ClosedLoop-Token': token }, body: new FormData(configForm) }).then(r => r.json());
  outcome.textContent = result.saved
    ? 'saved preset ' + result.name + ' (' + result.settings + ' settings)'
    : 'not saved: ' + (result.problem || result.errors.map(e => e.field + ' = ' + e.value + ': ' + e.expected).join('; '));
  await loadPresets();
});

document.getElementById('preset-load').addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const name = form.get('preset');
  if (!name || !form.getAll('rigs').length) {
    presetOutcomes.replaceChildren(element('li', {}, 'choose a preset and at least one rig'));
    return;
  }
  presetOutcomes.replaceChildren(element('li', {}, 'sending ' + name + '…'));
  const result = await fetch('/api/presets/' + encodeURIComponent(name) + '/apply', { method: 'POST', headers: { 'X-ClosedLoop-Token': token }, body: form }).then(r => r.json());
  presetOutcomes.replaceChildren(...(result.outcomes || []).map(o => element('li', { 'data-rig': o.rig },
    o.rig + ': ' + (o.applied ? 'applied ' + o.hash : !o.valid ? 'not sent: ' + o.errors.map(e => e.field + ' = ' + e.value + ': ' + e.expected).join('; ') : 'rejected: ' + o.rigErrors.join('; ')))));
});

if (mayCommand && !blind) {
  loadPresets();
  setInterval(presetRigChoices, 1000);
} else {
  document.getElementById('presets').hidden = true;
}

// Tuning: replay a logged session or an uploaded recording with candidate settings, and sweep one setting.
const tuningForm = document.getElementById('tuning-form');
const tuningOutcome = document.getElementById('tuning-outcome');
const tuningResult = document.getElementById('tuning-result');

function tuningSessions(boots) {
  const choice = document.getElementById('tuning-session');
  choice.replaceChildren(...boots.map(b => element('option', { value: b.rig + '|' + b.boot },
    b.rig + ' boot ' + b.boot + (b.subjects.length ? ' (' + b.subjects.join(', ') + ')' : ''))));
  if (!boots.length) {
    document.getElementById('tuning-ppd').checked = true;
  }
}

schema.then(keys => {
  const sweepKey = document.getElementById('tuning-sweep-key');
  for (const key of keys.filter(k => k.kind === 'number' || k.kind === 'integer')) {
    sweepKey.appendChild(element('option', { value: key.field }, key.field));
  }
});

function format(value, digits) {
  return value === null || value === undefined || Number.isNaN(value) ? '-' : Number(value).toFixed(digits);
}

// The sweep as a figure: deficits and trains against the swept value, both also in the table below it.
function sweepPlot(key, points) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'sweep');
  svg.setAttribute('viewBox', '0 0 600 260');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Deficits and trains for each value of ' + key + '; the same numbers are in the table below');
  const left = 50, right = 580, top = 20, bottom = 220;
  const xs = points.map(p => p.value);
  const high = Math.max(1, ...points.map(p => Math.max(p.deficits, p.trains)));
  const low = Math.min(...xs), span = Math.max(...xs) - low || 1;
  const x = v => left + (v - low) * (right - left) / span;
  const y = v => bottom - v * (bottom - top) / high;
  const add = (tag, attributes, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [name, value] of Object.entries(attributes)) {
      node.setAttribute(name, value);
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    svg.appendChild(node);
    return node;
  };
  add('line', { x1: left, y1: bottom, x2: right, y2: bottom, stroke: '#333' });
  add('line', { x1: left, y1: top, x2: left, y2: bottom, stroke: '#333' });
  add('text', { x: left, y: 245 }, format(low, 2));
  add('text', { x: right - 30, y: 245 }, format(low + span, 2));
  add('text', { x: 250, y: 255 }, key);
  add('text', { x: 5, y: top + 5 }, String(high));
  add('text', { x: 5, y: bottom }, '0');
  const series = [['deficits', '#b00020', p => p.deficits, 'none'], ['trains', '#1f4e9c', p => p.trains, '6 3']];
  series.forEach(([name, colour, value, dash], i) => {
    add('polyline', { points: points.map(p => x(p.value) + ',' + y(value(p))).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2, 'stroke-dasharray': dash, 'data-series': name });
    for (const p of points) {
      add('circle', { cx: x(p.value), cy: y(value(p)), r: 3, fill: colour });
    }
    add('text', { x: right - 150, y: top + 12 + i * 14, fill: colour }, (i === 0 ? '— ' : '- - ') + name);
  });
  return svg;
}

function cells(values) {
  const row = element('tr');
  for (const value of values) {
    row.appendChild(element('td', {}, String(value)));
  }
  return row;
}

tuningForm.addEventListener('submit', async event => {
  event.preventDefault();
  tuningOutcome.textContent = 'replaying…';
  tuningResult.hidden = true;
  let answer;
  try {
    answer = await fetch('/api/tuning', { method: 'POST', headers: { 'X-ClosedLoop-Token': token }, body: new FormData(tuningForm) }).then(r => r.json());
  } catch (error) {
    tuningOutcome.textContent = 'the console did not answer (' + error + ')';
    return;
  }
  if (!answer.result) {
    tuningOutcome.textContent = 'not replayed: ' + (answer.errors || [answer.error]).join('; ');
    return;
  }
  const r = answer.result;
  const counts = {};
  for (const e of r.encounters) {
    counts[e.decision] = (counts[e.decision] || 0) + 1;
  }
  tuningOutcome.textContent = r.recording + ', ' + r.minutes.toFixed(1) + ' min, config ' + r.configHash + ': ' +
    Object.entries(counts).map(([word, n]) => n + ' ' + word).join(', ') + '. ' + r.outputs + (r.edgesNote ? ' ' + r.edgesNote : '');
  document.getElementById('tuning-plot').replaceChildren(...(r.sweep.length ? [sweepPlot(r.sweepKey, r.sweep)] : []));
  const sweepTable = document.getElementById('tuning-sweep');
  sweepTable.hidden = r.sweep.length === 0;
  sweepTable.querySelector('tbody').replaceChildren(...r.sweep.map(p => cells([format(p.value, 3), p.encounters, p.deficits, p.drops, p.trains, p.refused])));
  document.getElementById('tuning-encounters').querySelector('tbody').replaceChildren(...r.encounters.map(e =>
    cells([e.encounter, format(e.onsetS, 2), format(e.deltaZ, 2), e.decision, format(e.latencyMs, 0), e.early ? 'early' : 'window', format(e.wholeWindowDeltaZ, 2), e.wholeWindowDecision || '-'])));
  tuningResult.hidden = false;
});
