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

function sparkline(values) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'z');
  svg.setAttribute('viewBox', '0 0 100 30');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  const last = values.length ? values[values.length - 1].toFixed(2) : 'none yet';
  svg.setAttribute('aria-label', 'z over the last frames; latest ' + last);
  if (values.length > 1) {
    const low = Math.min(...values, -1);
    const high = Math.max(...values, 1);
    const points = values.map((z, i) => (i * 100 / (values.length - 1)).toFixed(1) + ',' + (30 - (z - low) * 30 / (high - low)).toFixed(1));
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', points.join(' '));
    svg.appendChild(line);
  }
  return svg;
}

const token = document.querySelector('meta[name="closedloop-token"]').content;
const cards = new Map();

// Sends a command and shows the rig's own answer (accepted, or the engine's refusal reason) on its card.
async function send(rig, command, outcome, form) {
  outcome.textContent = command + ': sent, waiting for ' + rig + '…';
  try {
    const response = await fetch('/api/rigs/' + encodeURIComponent(rig) + '/' + command, { method: 'POST', headers: { 'X-ClosedLoop-Token': token }, body: form });
    const answer = await response.json();
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
  const trace = element('div', { class: 'trace' });
  const events = element('ol', { class: 'events', 'aria-label': 'Latest events of ' + rig });
  const outcome = element('p', { class: 'outcome', role: 'status', 'aria-live': 'polite' });
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
  controls.appendChild(button('Configure…', 'configure', () => openConfig(rig)));
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
  item.append(states, facts, trace, events, controls, session, outcome);
  return { item, states, facts, trace, events };
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
  }
  card.states.replaceChildren(...states);
  card.facts.replaceChildren(
    element('dt', {}, 'mode'), element('dd', { 'data-field': 'mode' }, rig.mode),
    element('dt', {}, 'config'), element('dd', { 'data-field': 'config' }, rig.config));
  card.trace.replaceChildren(sparkline(rig.z));
  card.events.replaceChildren(...rig.events.map(text => element('li', {}, text)));
}

function draw(snapshot) {
  broker.textContent = snapshot.brokerConnected ? 'Broker connected.' : 'Broker unreachable: ' + (snapshot.brokerProblem || 'reconnecting') + '. The rigs show what was last heard.';
  broker.className = snapshot.brokerConnected ? '' : 'down';
  empty.hidden = snapshot.rigs.length > 0;
  for (const rig of snapshot.rigs) {
    if (!cards.has(rig.rig)) {
      const card = newCard(rig.rig);
      cards.set(rig.rig, card);
      rigList.appendChild(card.item);
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
stream.onmessage = message => draw(JSON.parse(message.data));
stream.onerror = () => {
  broker.textContent = 'The console is not answering; retrying.';
  broker.className = 'down';
};
