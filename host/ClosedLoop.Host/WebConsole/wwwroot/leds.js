// Each LED's current, set from the card while the light is watched (acquisition.signal_led_ma and control_led_ma,
// over the config the rig runs). Only a rig that sets its currents in software (pins.led_dac_cs) uses them.
import { problemText, request } from './api.js';
import { element } from './dom.js';
import { rigNamed } from './rigs.js';

const keys = [['acquisition.signal_led_ma', 'signal LED (mA)'], ['acquisition.control_led_ma', 'control LED (mA)']];

export function newLedCurrents(rig) {
  const details = element('details', { class: 'led' });
  details.appendChild(element('summary', {}, 'LED currents'));
  const form = element('form', { class: 'led-form', 'aria-label': 'LED currents of ' + rig });
  for (const [field, words] of keys) {
    const id = 'led-' + field.split('.')[1] + '-' + rig;
    form.append(element('label', { for: id }, words), element('input', { id: id, name: field, inputmode: 'decimal', size: '6', autocomplete: 'off' }));
  }
  form.appendChild(element('button', { type: 'submit' }, 'Set currents'));
  const note = element('p', { class: 'led-note', role: 'status', 'aria-live': 'polite' });
  details.append(form, note);

  details.addEventListener('toggle', async () => {
    if (!details.open) {
      return;
    }
    note.textContent = '';
    try {
      const values = await request('/api/rigs/' + encodeURIComponent(rig) + '/config');
      if (values.error) {
        note.textContent = values.error;
        return;
      }
      for (const [field] of keys) {
        form.elements[field].value = values[field] ?? '10';
      }
      if (Number(values['pins.led_dac_cs'] ?? '-1') < 0) {
        note.textContent = 'This rig sets its LED currents in hardware (pins.led_dac_cs is -1): these values are logged, not driven.';
      }
    } catch (error) {
      note.textContent = problemText(error);
    }
  });

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const state = rigNamed(rig);
    if (state && (state.armed || state.inSession)) {
      note.textContent = 'Not sent: ' + rig + ' takes a config only when disarmed with no session running (it is ' + (state.armed ? 'armed' : 'in session') + ').';
      return;
    }
    note.textContent = 'sending to ' + rig + '…';
    try {
      const result = await request('/api/rigs/' + encodeURIComponent(rig) + '/config/apply', { method: 'POST', body: new FormData(form) });
      note.textContent = result.error ? result.error
        : !result.sent ? 'not sent: ' + result.errors.map(e => e.field + ' = ' + e.value + ': ' + e.expected).join('; ')
        : result.applied ? rig + ' applied config ' + result.hash : rig + ' rejected the config: ' + result.rigErrors.join('; ');
    } catch (error) {
      note.textContent = problemText(error);
    }
  });
  return details;
}
