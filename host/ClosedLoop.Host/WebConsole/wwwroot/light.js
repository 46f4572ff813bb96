// A rig's light as its converter read it over the last second (the rig's status): each phase's level against the
// converter's range, the dark level beside them, and the rig's own warning when the light nears the rail or the floor,
// as a photometry acquisition view shows it while a fibre is placed or an LED current set.
import { element, setText } from './dom.js';

const warnings = {
  near_rail: 'Near saturation: a lit phase reads at 90 % of the converter\'s range or more (the rig faults at 99 %). Lower the LED current or the photoreceiver\'s gain.',
  near_floor: 'Near the floor: a lit phase is less than 5 × processing.min_level above dark (the rig faults below it). Check the patch cord, raise the LED current or the gain.',
  unknown: 'No cycle of the last second had enough readings to measure.',
  ok: '',
};

function counts(value) {
  return value.toLocaleString('en-GB');
}

export function newLightView(rig) {
  const section = element('section', { class: 'light', 'aria-label': 'Light of ' + rig });
  const scale = element('p', { class: 'light-scale', 'data-field': 'light-scale' }, 'Light: not measured yet.');
  const levels = element('div', { class: 'levels' });
  const rows = {};
  for (const [phase, word] of [['sig', 'signal'], ['ctl', 'control'], ['dark', 'dark']]) {
    const id = 'light-' + phase + '-' + rig;
    const meter = element('meter', { id: id, min: '0', max: '1', value: '0', 'data-phase': phase });
    const value = element('span', { class: 'level', 'data-field': 'light-' + word });
    const label = element('label', { for: id }, word);
    levels.append(label, meter, value);
    rows[phase] = { label, meter, value };
  }
  const warning = element('p', { class: 'light-warning', role: 'status', 'data-field': 'light-warning' });
  section.append(scale, levels, warning);
  levels.hidden = true;
  return { section, scale, levels, rows, warning };
}

export function updateLightView(view, light) {
  if (!light || light.range === 'unknown' && light.signal === null) {
    setText(view.scale, light ? 'Light: ' + warnings.unknown : 'Light: not measured yet.');
    view.levels.hidden = true;
    setText(view.warning, '');
    view.section.dataset.range = light ? light.range : 'none';
    return;
  }
  view.levels.hidden = false;
  view.section.dataset.range = light.range;
  setText(view.scale, 'Light as read, last second (counts of ' + counts(light.fullScale) + ', dark not subtracted):');
  const dark = light.dark;
  for (const [phase, value] of [['sig', light.signal], ['ctl', light.control], ['dark', dark]]) {
    const row = view.rows[phase];
    const shown = value !== null;
    row.label.hidden = row.meter.hidden = row.value.hidden = !shown;
    if (!shown) {
      continue;
    }
    row.meter.max = light.fullScale;
    // The meter turns amber past the level at which the rig warns of saturation.
    row.meter.high = light.fullScale * 0.9;
    row.meter.optimum = light.fullScale * 0.5;
    row.meter.value = Math.max(0, value);
    const share = (100 * value / light.fullScale).toFixed(0) + ' %';
    const above = phase !== 'dark' && dark !== null ? ', ' + counts(value - dark) + ' above dark' : '';
    setText(row.value, counts(value) + ' (' + share + above + ')');
  }
  setText(view.warning, warnings[light.range] ?? '');
}
