// The rig cards: what each rig reports (its states, facts, light and latest events), its commands, and the place
// its trace and config form open in. A card is made once per rig and then updated in place, so its buttons keep
// their focus and its last answer stays. The page never claims a state a rig has not reported.
import { blind, mayCommand, problemText, request } from './api.js';
import { button, element, localTime, setText } from './dom.js';
import { newLightView, updateLightView } from './light.js';
import { newLedCurrents } from './leds.js';
import { openConfig } from './config.js';
import { onSnapshot } from './rigs.js';

const rigList = document.getElementById('rigs');
const empty = document.getElementById('empty');
const broker = document.getElementById('broker');
const cards = new Map();

export function cardOf(rig) {
  return cards.get(rig);
}

function state(word, kind) {
  return element('li', { class: 'state ' + kind }, word);
}

// Sends a command and shows the rig's own answer (accepted, or the engine's refusal reason) on its card.
async function send(rig, command, outcome, form) {
  outcome.textContent = command + ': sent, waiting for ' + rig + '…';
  try {
    const answer = await request('/api/rigs/' + encodeURIComponent(rig) + '/' + command, { method: 'POST', body: form });
    outcome.textContent = answer.error ? command + ': ' + answer.error
      : command + ': ' + (answer.accepted ? 'accepted' : 'refused: ' + answer.result + (answer.advice ? ' (' + answer.advice + ')' : ''));
    return !answer.error && answer.accepted;
  } catch (error) {
    outcome.textContent = command + ': ' + problemText(error);
    return false;
  }
}

function controlsOf(rig, outcome, item) {
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
    const configure = button('Configure…', 'configure', () => openConfig(rig, item, configure));
    controls.appendChild(configure);
  }
  controls.appendChild(button('Reset e-stop…', 'estop-reset', () => {
    if (window.confirm('Reset the e-stop of ' + rig + '? This arms nothing.')) {
      send(rig, 'estop-reset', outcome);
    }
  }));
  return controls;
}

// A session names its animal.
function sessionFormOf(rig, outcome) {
  const session = element('form', { class: 'session', 'aria-label': 'Start a session on ' + rig });
  const id = 'subject-' + rig;
  session.append(element('label', { for: id }, 'Subject'), element('input', { id: id, name: 'subject', autocomplete: 'off' }),
    element('button', { type: 'submit' }, 'Start session'));
  session.addEventListener('submit', event => {
    event.preventDefault();
    send(rig, 'session-start', outcome, new FormData(session));
  });
  return session;
}

function newCard(rig) {
  const item = element('li', { class: 'rig', 'data-rig': rig, 'aria-label': 'Rig ' + rig });
  const heading = element('div', { class: 'card-head' });
  const expand = element('button', { type: 'button', class: 'expand', 'aria-expanded': 'false' }, 'Expand trace');
  expand.addEventListener('click', () => {
    const expanded = !item.classList.contains('expanded');
    item.classList.toggle('expanded', expanded);
    expand.setAttribute('aria-expanded', String(expanded));
    expand.textContent = expanded ? 'Shrink trace' : 'Expand trace';
  });
  heading.append(element('h3', {}, rig), expand);
  const states = element('ul', { class: 'states', 'aria-label': 'State of ' + rig });
  const facts = element('dl');
  const light = newLightView(rig);
  const figure = element('figure', { class: 'trace-figure' });
  const trace = element('canvas', { class: 'trace', role: 'img', 'aria-label': 'dF/F and z of ' + rig + ': no samples yet' });
  figure.appendChild(trace);
  const summary = element('p', { class: 'trace-summary', 'data-field': 'trace-summary' }, 'No samples yet.');
  const events = element('ol', { class: 'events', 'aria-label': 'Latest events of ' + rig });
  const outcome = element('p', { class: 'outcome', role: 'status', 'aria-live': 'polite' });
  item.append(heading, states, facts, light.section, figure, summary, events);
  if (!mayCommand) {
    item.append(element('p', { class: 'viewer-note' }, 'You are a viewer: you can watch this rig, not command it.'));
  } else {
    if (!blind) {
      light.section.appendChild(newLedCurrents(rig));
    }
    item.append(controlsOf(rig, outcome, item), sessionFormOf(rig, outcome), outcome);
  }
  return { item, states, facts, light, trace, summary, events };
}

function update(card, rig) {
  card.item.classList.toggle('offline', !rig.online);
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
  const words = states.map(s => s.textContent).join('|');
  if (card.states.dataset.words !== words) {
    card.states.dataset.words = words;
    card.states.replaceChildren(...states);
  }
  const link = rig.link;
  const facts = [
    ['boot', rig.boot < 0 ? '-' : String(rig.boot)],
    ['up since', rig.bootStarted ? localTime(rig.bootStarted) : '-'],
    ['mode', rig.mode],
    ['config', rig.config],
    ['link', link.pending + ' event(s) pending, ' + link.eventGaps + ' event gap(s), ' + link.framesMissed + ' frame(s) missed'],
    ['faults', rig.faults === 0 ? 'none' : rig.faults + '; latest ' + rig.lastFault],
  ];
  if (!card.facts.childElementCount) {
    card.facts.append(...facts.flatMap(([name]) => [element('dt', {}, name), element('dd', { 'data-field': name })]));
  }
  for (const [name, value] of facts) {
    setText(card.facts.querySelector('[data-field="' + name + '"]'), value);
  }
  updateLightView(card.light, rig.online ? rig.light : null);
  const eventWords = rig.events.join('\n');
  if (card.events.dataset.words !== eventWords) {
    card.events.dataset.words = eventWords;
    card.events.replaceChildren(...rig.events.map(text => element('li', {}, text)));
  }
}

function drawCards(snapshot) {
  setText(broker, snapshot.brokerConnected ? 'Broker connected.' : 'Broker unreachable: ' + (snapshot.brokerProblem || 'reconnecting') + '. The rigs show what was last heard.');
  broker.classList.toggle('down', !snapshot.brokerConnected);
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

// Cards are drawn before any other part hears of a new rig (rigs.js tells snapshots first), so that they find its card.
onSnapshot(drawCards);
