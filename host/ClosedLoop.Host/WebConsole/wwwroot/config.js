// The config form of one rig, opened inside its card: the experiment's settings first (detector, encounter, output
// and the rest a preset carries), the rig's hardware and link folded away below them. Every value is checked by the
// engine as it is typed; Apply sends only a config that passes, and says beforehand when the rig must first be
// disarmed or its session stopped, offering to do both.
import { problemText, request } from './api.js';
import { element, setText } from './dom.js';
import { onSnapshot, rigNamed } from './rigs.js';
import { schema } from './schema.js';

const section = document.getElementById('config');
const form = document.getElementById('config-form');
const changes = document.getElementById('config-changes');
const outcome = document.getElementById('config-outcome');
const stateNote = document.getElementById('config-state');
const stopAndApply = document.getElementById('config-stop-apply');
let openRig = null;
let returnFocus = null;
let checkTimer = null;

export function configFormData() {
  return new FormData(form);
}

function configPath(rig, action) {
  return '/api/rigs/' + encodeURIComponent(rig) + '/config' + (action ? '/' + action : '');
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
      option.selected = choice === value;
      input.appendChild(option);
    }
  } else {
    input = element('input', { id: id, name: key.field, value: value, autocomplete: 'off', 'aria-describedby': id + '-help ' + id + '-error' });
  }
  row.append(input, element('small', { id: id + '-help' }, key.help + ' (' + key.allowed + '; default ' + key.defaultValue + ')'),
    element('span', { id: id + '-error', class: 'error' }));
  return row;
}

function showCheck(result) {
  for (const error of form.querySelectorAll('.error')) {
    error.textContent = '';
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
  }
  for (const error of result.errors || []) {
    const row = form.querySelector('[data-field="' + error.field + '"]');
    if (row) {
      row.querySelector('.error').textContent = error.value + ': ' + error.expected;
      row.querySelector('input, select').setAttribute('aria-invalid', 'true');
      // A refused hardware value must not hide in a folded group.
      const folded = row.closest('details');
      if (folded) {
        folded.open = true;
      }
    } else {
      outcome.textContent = error.field + ' = ' + error.value + ': ' + error.expected;
    }
  }
  const changed = (result.changed || []).map(c => element('li', {}, c.field + ': ' + (c.from ?? '(default)') + ' → ' + c.to));
  changes.replaceChildren(...(changed.length ? changed : [element('li', {}, 'none')]));
}

// What the rig's state asks before a config can apply, said before Apply is pressed.
function showState() {
  const rig = openRig && rigNamed(openRig);
  const busy = rig && (rig.armed || rig.inSession);
  setText(stateNote, !rig ? '' : busy
    ? openRig + ' is ' + [rig.armed ? 'armed' : null, rig.inSession ? 'in session' : null].filter(Boolean).join(' and ') +
      ': it takes a config only when disarmed with no session running.'
    : openRig + ' is disarmed with no session running: Apply sends the config at once.');
  stopAndApply.hidden = !busy;
}

function groupOf(keys, values, legendText) {
  const fragment = document.createDocumentFragment();
  let sectionName = null;
  let fieldset = null;
  for (const key of keys) {
    if (key.section !== sectionName) {
      sectionName = key.section;
      fieldset = element('fieldset');
      fieldset.appendChild(element('legend', {}, legendText(sectionName)));
      fragment.appendChild(fieldset);
    }
    fieldset.appendChild(field(key, values[key.field] ?? key.defaultValue));
  }
  return fragment;
}

export async function openConfig(rig, card, opener) {
  let keys;
  let values;
  try {
    [keys, values] = await Promise.all([schema, request(configPath(rig))]);
  } catch (error) {
    outcome.textContent = problemText(error);
    return;
  }
  if (values.error) {
    card.querySelector('.outcome').textContent = 'configure: ' + values.error;
    return;
  }
  openRig = rig;
  returnFocus = opener;
  document.getElementById('config-title').textContent = 'Config of ' + rig;
  const hardware = element('details', { class: 'hardware' });
  const hardwareKeys = keys.filter(k => !k.experiment);
  hardware.append(element('summary', {}, 'Hardware and link (' + [...new Set(hardwareKeys.map(k => k.section))].join(', ') + '): ' + hardwareKeys.length + ' keys'),
    groupOf(hardwareKeys, values, name => name));
  form.replaceChildren(groupOf(keys.filter(k => k.experiment), values, name => name), hardware);
  outcome.textContent = '';
  showCheck({ errors: [], changed: [] });
  showState();
  card.appendChild(section);
  card.classList.add('configuring');
  section.hidden = false;
  form.querySelector('input, select').focus();
}

function close() {
  section.hidden = true;
  const card = section.closest('li.rig');
  if (card) {
    card.classList.remove('configuring');
  }
  openRig = null;
  if (returnFocus && returnFocus.isConnected) {
    returnFocus.focus();
  }
}

async function check() {
  try {
    showCheck(await request(configPath(openRig, 'check'), { method: 'POST', body: new FormData(form) }));
  } catch (error) {
    outcome.textContent = problemText(error);
  }
}

async function apply() {
  const rig = openRig;
  outcome.textContent = 'checking and sending to ' + rig + '…';
  try {
    const result = await request(configPath(rig, 'apply'), { method: 'POST', body: new FormData(form) });
    if (result.error) {
      outcome.textContent = result.error;
      return;
    }
    showCheck(result);
    outcome.textContent = !result.sent
      ? 'not sent: ' + result.errors.length + ' value(s) the engine refuses'
      : result.applied ? rig + ' applied config ' + result.hash : rig + ' rejected the config: ' + result.rigErrors.join('; ');
  } catch (error) {
    outcome.textContent = problemText(error);
  }
}

// Stops the session and disarms (each the rig's own answer), then applies: asked once, as arming is.
async function stopThenApply() {
  const rig = openRig;
  if (!window.confirm('Stop the session of ' + rig + ' and disarm it, then apply this config?')) {
    return;
  }
  for (const [command, needed] of [['session-stop', r => r.inSession], ['disarm', r => r.armed]]) {
    const state = rigNamed(rig);
    if (!state || !needed(state)) {
      continue;
    }
    outcome.textContent = command + ': sent, waiting for ' + rig + '…';
    const answer = await request('/api/rigs/' + encodeURIComponent(rig) + '/' + command, { method: 'POST' }).catch(error => ({ error: problemText(error) }));
    if (answer.error || !answer.accepted) {
      outcome.textContent = command + ': ' + (answer.error || 'refused: ' + answer.result) + '; the config was not sent';
      return;
    }
  }
  await apply();
}

form.addEventListener('input', () => {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, 250);
});
document.getElementById('config-apply').addEventListener('click', apply);
stopAndApply.addEventListener('click', stopThenApply);
document.getElementById('config-close').addEventListener('click', close);
section.addEventListener('keydown', event => {
  if (event.key === 'Escape') {
    close();
  }
});
onSnapshot(() => {
  if (openRig) {
    showState();
  }
});
