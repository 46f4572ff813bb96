// Presets: save the open form's experiment settings under a name; load a preset onto several rigs at once.
import { blind, mayCommand, problemText, request } from './api.js';
import { element } from './dom.js';
import { configFormData } from './config.js';
import { onNewRig } from './rigs.js';

const choice = document.getElementById('preset-choice');
const rigChoices = document.getElementById('preset-rigs');
const outcomes = document.getElementById('preset-outcomes');

function fieldErrors(errors) {
  return errors.map(e => e.field + ' = ' + e.value + ': ' + e.expected).join('; ');
}

async function loadPresets() {
  try {
    const listing = await request('/api/presets');
    choice.replaceChildren(...(listing.names || []).map(name => element('option', { value: name }, name)));
  } catch (error) {
    outcomes.replaceChildren(element('li', {}, 'presets: ' + problemText(error)));
  }
}

function addRigChoice(rig) {
  const id = 'preset-rig-' + rig;
  const label = element('label', { for: id });
  label.append(element('input', { type: 'checkbox', id: id, name: 'rigs', value: rig }), ' ' + rig);
  rigChoices.appendChild(label);
}

async function save() {
  const name = document.getElementById('preset-name').value.trim();
  const outcome = document.getElementById('preset-save-outcome');
  try {
    const result = await request('/api/presets/' + encodeURIComponent(name), { method: 'POST', body: configFormData() });
    outcome.textContent = result.saved
      ? 'saved preset ' + result.name + ' (' + result.settings + ' settings)'
      : 'not saved: ' + (result.problem || result.error || fieldErrors(result.errors));
  } catch (error) {
    outcome.textContent = 'not saved: ' + problemText(error);
  }
  await loadPresets();
}

async function load(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const name = form.get('preset');
  if (!name || !form.getAll('rigs').length) {
    outcomes.replaceChildren(element('li', {}, 'choose a preset and at least one rig'));
    return;
  }
  outcomes.replaceChildren(element('li', {}, 'sending ' + name + '…'));
  try {
    const result = await request('/api/presets/' + encodeURIComponent(name) + '/apply', { method: 'POST', body: form });
    outcomes.replaceChildren(...(result.error ? [element('li', {}, result.error)] : result.outcomes.map(o => element('li', { 'data-rig': o.rig },
      o.rig + ': ' + (o.applied ? 'applied ' + o.hash : !o.valid ? 'not sent: ' + fieldErrors(o.errors) : 'rejected: ' + o.rigErrors.join('; '))))));
  } catch (error) {
    outcomes.replaceChildren(element('li', {}, problemText(error)));
  }
}

export function startPresets() {
  if (!mayCommand || blind) {
    document.getElementById('presets').hidden = true;
    return;
  }
  document.getElementById('preset-save').addEventListener('click', save);
  document.getElementById('preset-load').addEventListener('submit', load);
  onNewRig(addRigChoice);
  loadPresets();
}
