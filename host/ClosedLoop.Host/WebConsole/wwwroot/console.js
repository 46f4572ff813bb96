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

function card(rig) {
  const item = element('li', { class: 'rig' + (rig.online ? '' : ' offline'), 'data-rig': rig.rig, 'aria-label': 'Rig ' + rig.rig });
  item.appendChild(element('h3', {}, rig.rig));
  const states = element('ul', { class: 'states', 'aria-label': 'State of ' + rig.rig });
  states.appendChild(rig.online ? state('online', 'good') : state('offline', 'off'));
  if (rig.online) {
    states.appendChild(rig.armed ? state('armed', 'warn') : state('disarmed', 'off'));
    if (rig.eStop) {
      states.appendChild(state('e-stop latched', 'bad'));
    }
    states.appendChild(rig.inSession ? state('in session', 'good') : state('no session', 'off'));
  }
  item.appendChild(states);
  const facts = element('dl');
  facts.appendChild(element('dt', {}, 'mode'));
  facts.appendChild(element('dd', { 'data-field': 'mode' }, rig.mode));
  facts.appendChild(element('dt', {}, 'config'));
  facts.appendChild(element('dd', { 'data-field': 'config' }, rig.config));
  item.appendChild(facts);
  item.appendChild(sparkline(rig.z));
  const events = element('ol', { class: 'events', 'aria-label': 'Latest events of ' + rig.rig });
  for (const text of rig.events) {
    events.appendChild(element('li', {}, text));
  }
  item.appendChild(events);
  return item;
}

function draw(snapshot) {
  broker.textContent = snapshot.brokerConnected ? 'Broker connected.' : 'Broker unreachable: ' + (snapshot.brokerProblem || 'reconnecting') + '. The rigs show what was last heard.';
  broker.className = snapshot.brokerConnected ? '' : 'down';
  empty.hidden = snapshot.rigs.length > 0;
  rigList.replaceChildren(...snapshot.rigs.map(card));
}

const stream = new EventSource('/api/stream');
stream.onmessage = message => draw(JSON.parse(message.data));
stream.onerror = () => {
  broker.textContent = 'The console is not answering; retrying.';
  broker.className = 'down';
};
