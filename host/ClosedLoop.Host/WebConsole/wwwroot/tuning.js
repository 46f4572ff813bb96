// Tuning: replay a logged session or an uploaded recording with candidate settings, and sweep one setting.
import { problemText, request } from './api.js';
import { cells, element, format } from './dom.js';
import { schema } from './schema.js';
import { onSessions } from './sessions.js';
import { ticks } from './traces.js';

const form = document.getElementById('tuning-form');
const outcome = document.getElementById('tuning-outcome');
const result = document.getElementById('tuning-result');

function listSessions(boots) {
  const choice = document.getElementById('tuning-session');
  choice.replaceChildren(...boots.map(b => element('option', { value: b.rig + '|' + b.boot },
    b.rig + ' boot ' + b.boot + (b.subjects.length ? ' (' + b.subjects.join(', ') + ')' : ''))));
  if (!boots.length) {
    document.getElementById('tuning-ppd').checked = true;
  }
}

// The sweepable keys, the experiment's settings first and the hardware's after them, each group labelled.
async function listSweepKeys() {
  const keys = (await schema).filter(k => k.kind === 'number' || k.kind === 'integer');
  const sweepKey = document.getElementById('tuning-sweep-key');
  for (const [words, experiment] of [['Experiment settings', true], ['Hardware and link', false]]) {
    const group = element('optgroup', { label: words });
    group.append(...keys.filter(k => k.experiment === experiment).map(k => element('option', { value: k.field }, k.field)));
    sweepKey.appendChild(group);
  }
}

// The sweep as a figure: deficits and trains against the swept value, with ticks on both axes and the legend
// beside the plot, not over it; the same numbers are in the table below it.
function sweepPlot(key, points) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'sweep');
  svg.setAttribute('viewBox', '0 0 720 280');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Deficits and trains for each value of ' + key + '; the same numbers are in the table below');
  const left = 56, right = 560, top = 16, bottom = 230;
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
  const xTicks = ticks(low, low + span, 6);
  for (const v of xTicks.values) {
    add('line', { x1: x(v), y1: bottom, x2: x(v), y2: bottom + 5, stroke: '#333', 'data-tick': 'x' });
    add('text', { x: x(v), y: bottom + 18, 'text-anchor': 'middle' }, format(v, xTicks.step >= 1 ? 0 : 2));
  }
  const yTicks = ticks(0, high, 5);
  for (const v of yTicks.values.filter(v => Number.isInteger(v))) {
    add('line', { x1: left - 5, y1: y(v), x2: left, y2: y(v), stroke: '#333', 'data-tick': 'y' });
    add('line', { x1: left, y1: y(v), x2: right, y2: y(v), stroke: '#e4e4e4' });
    add('text', { x: left - 8, y: y(v) + 4, 'text-anchor': 'end' }, String(v));
  }
  add('text', { x: (left + right) / 2, y: 268, 'text-anchor': 'middle' }, key);
  add('text', { x: 14, y: (top + bottom) / 2, 'text-anchor': 'middle', transform: 'rotate(-90 14 ' + (top + bottom) / 2 + ')' }, 'count over the recording');
  const series = [['deficits', '#b00020', p => p.deficits, 'none'], ['trains', '#1f4e9c', p => p.trains, '6 3']];
  series.forEach(([name, colour, value, dash], i) => {
    add('polyline', { points: points.map(p => x(p.value) + ',' + y(value(p))).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2, 'stroke-dasharray': dash, 'data-series': name });
    for (const p of points) {
      add('circle', { cx: x(p.value), cy: y(value(p)), r: 3, fill: colour });
    }
    // The legend sits right of the plot area, so it covers no point.
    add('line', { x1: right + 20, y1: top + 10 + i * 20, x2: right + 50, y2: top + 10 + i * 20, stroke: colour, 'stroke-width': 2, 'stroke-dasharray': dash });
    add('text', { x: right + 56, y: top + 14 + i * 20, fill: colour, 'data-legend': name }, name);
  });
  return svg;
}

async function replay(event) {
  event.preventDefault();
  outcome.textContent = 'replaying…';
  result.hidden = true;
  document.getElementById('tuning-notes').replaceChildren();
  let answer;
  try {
    answer = await request('/api/tuning', { method: 'POST', body: new FormData(form) });
  } catch (error) {
    outcome.textContent = problemText(error);
    return;
  }
  // What was read and assumed (the rate and where it came from, how the channels were paired), as the CLI says it.
  document.getElementById('tuning-notes').replaceChildren(...(answer.notes || []).map(note => element('li', {}, note)));
  if (!answer.result) {
    outcome.textContent = 'not replayed: ' + (answer.errors || [answer.error]).join('; ');
    return;
  }
  const r = answer.result;
  const counts = {};
  for (const e of r.encounters) {
    counts[e.decision] = (counts[e.decision] || 0) + 1;
  }
  outcome.textContent = r.recording + ', ' + r.minutes.toFixed(1) + ' min, config ' + r.configHash + ': ' +
    Object.entries(counts).map(([word, n]) => n + ' ' + word).join(', ') + '. ' + r.outputs + (r.edgesNote ? ' ' + r.edgesNote : '');
  document.getElementById('tuning-plot').replaceChildren(...(r.sweep.length ? [sweepPlot(r.sweepKey, r.sweep)] : []));
  const sweepTable = document.getElementById('tuning-sweep');
  sweepTable.hidden = r.sweep.length === 0;
  sweepTable.querySelector('tbody').replaceChildren(...r.sweep.map(p => cells([format(p.value, 3), p.encounters, p.deficits, p.drops, p.trains, p.refused])));
  document.getElementById('tuning-encounters').querySelector('tbody').replaceChildren(...r.encounters.map(e =>
    cells([e.encounter, format(e.onsetS, 2), format(e.deltaZ, 2), e.decision, format(e.latencyMs, 0), e.early ? 'early' : 'window', format(e.wholeWindowDeltaZ, 2), e.wholeWindowDecision || '-'])));
  result.hidden = false;
}

export function startTuning() {
  onSessions(listSessions);
  listSweepKeys();
  form.addEventListener('submit', replay);
}
