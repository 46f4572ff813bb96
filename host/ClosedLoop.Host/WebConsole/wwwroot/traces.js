// Live traces: the console sends each rig's 50 ms bins once; the page keeps the longest window and draws dF/F and z
// with their axes, the rig's encounters shaded by its decision, the threshold a response had to reach, and trains.
// A canvas is redrawn only when its rig sent something new or the scrolling time axis moved by a pixel.
import { blind } from './api.js';
import { setText } from './dom.js';
import { cardOf } from './cards.js';
import { onNewRig } from './rigs.js';

const windowChoice = document.getElementById('trace-window');
const traces = new Map();
const outcomeColours = { response: '#cfe9d6', deficit: '#f6c7bd', drop: '#f8dcae', insufficient: '#e3e3e3', overlap: '#e3e3e3' };
const undecidedColour = '#d5e1f4';
const keptUs = 300e6;
// Counts drawn frames, for the bench that measures how smooth the page stays with many rigs.
window.closedloopTraceFrames = 0;

function traceOf(rig) {
  if (!traces.has(rig)) {
    traces.set(rig, { points: [], encounters: [], trains: [], threshold: null, postUs: null, latestUs: 0, receivedAt: 0, drawn: null });
  }
  return traces.get(rig);
}

function windowUs() {
  return Number(windowChoice.value) * 1e6;
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
    trace.drawn = null;
    summarise(update.rig, trace);
  }
}

// The words beside the picture: what is in view, so colour is never the only signal.
function summarise(rig, trace) {
  const card = cardOf(rig);
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
  const text = 'Last ' + windowChoice.value + ' s: ' + shown.length + ' encounter(s)' + (words ? ' (' + words + ')' : '') +
    (blind ? ', ' + trains.length + ' train(s)' : ', ' + (trains.length - sham) + ' train(s), ' + sham + ' sham') +
    (trace.threshold !== null ? '; deficit below Δz ' + trace.threshold : '') + '. Now ' +
    (last[2] === null ? 'z warming up' : 'z ' + last[2].toFixed(2)) + ', dF/F ' + (last[1] * 100).toFixed(2) + ' %.';
  setText(card.summary, text);
  card.trace.setAttribute('aria-label', 'dF/F and z of ' + rig + ' over the last ' + windowChoice.value + ' s; ' + text);
}

function range(values, minimumLow, minimumHigh) {
  let low = minimumLow;
  let high = minimumHigh;
  for (const value of values) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return [low, high];
}

// A round step (1, 2 or 5 times a power of ten) giving about `count` ticks between low and high.
function niceStep(low, high, count) {
  const raw = (high - low) / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map(m => m * power).find(s => s >= raw) ?? 10 * power;
}

// The multiples of `step` from low to high.
function tickValues(low, high, step) {
  const values = [];
  for (let i = Math.ceil(low / step - 1e-9); i * step <= high + step * 1e-9; i++) {
    values.push(i === 0 ? 0 : i * step);
  }
  return values;
}

export function ticks(low, high, count) {
  const step = niceStep(low, high, count);
  return { values: tickValues(low, high, step), step };
}

function label(value, step) {
  const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
  return value.toFixed(digits).replace('-', '−');
}

function drawTrace(canvas, trace, now) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  // The right edge follows the rig's clock between updates, never more than half a second past its last sample.
  const rightUs = trace.latestUs + Math.min(now - trace.receivedAt, 500) * 1000;
  // A window longer than what exists is filled by what exists: the axis starts at the first point.
  const span = Math.min(windowUs(), Math.max(1e6, rightUs - trace.points[0][0]));
  const leftUs = rightUs - span;
  const margin = { left: 56, right: 12, top: 16, bottom: 30 };
  const plotWidth = Math.max(10, width - margin.left - margin.right);
  const pixel = Math.round((rightUs - trace.latestUs) * plotWidth / span);
  // An expanded card adds a third panel: each channel's raw light (counts above dark), to watch a fibre or an LED.
  const raw = canvas.closest('li.rig')?.classList.contains('expanded') ?? false;
  const key = [width, height, span, pixel, windowChoice.value, raw].join('|');
  if (trace.drawn === key) {
    return false;
  }
  trace.drawn = key;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const left = margin.left;
  const right = width - margin.right;
  const strip = margin.top;
  const bottom = height - margin.bottom;
  const rawTop = raw ? Math.round(strip + (bottom - strip) * 0.62) : bottom;
  const split = Math.round(strip + (rawTop - strip) * 0.45);
  const x = t => left + (t - leftUs) * (right - left) / span;
  g.save();
  g.beginPath();
  g.rect(left, 0, right - left, height);
  g.clip();
  // Encounters shaded by the rig's decision.
  for (const e of trace.encounters) {
    const end = e.offsetUs ?? rightUs;
    if (end < leftUs) {
      continue;
    }
    g.fillStyle = e.outcome ? outcomeColours[e.outcome] : undecidedColour;
    g.fillRect(x(e.onsetUs), strip, Math.max(3, x(end) - x(e.onsetUs)), bottom - strip);
  }
  // Trains along the top: driven solid, sham outlined, both the strip's full height.
  for (const t of trace.trains) {
    if (t.endUs < leftUs) {
      continue;
    }
    const from = x(t.startUs);
    const wide = Math.max(5, x(t.endUs) - from);
    if (t.sham) {
      g.strokeStyle = '#333';
      g.lineWidth = 2;
      g.strokeRect(from + 1, 2, wide - 2, strip - 4);
    } else {
      g.fillStyle = '#b00020';
      g.fillRect(from, 1, wide, strip - 2);
    }
  }
  g.restore();
  const step = Math.max(1, Math.floor(trace.points.length * (span / keptUs) / plotWidth));
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
  const panels = [
    // Apart by more than a label's height, so the end labels of the two value axes never touch.
    { top: strip + 8, bottom: split - 9, low: dffLow, high: dffHigh, value: p => p[1] * 100, colour: '#2a7b3f', name: 'dF/F (%)' },
    { top: split + 9, bottom: rawTop - 6, low: zLow, high: zHigh, value: p => p[2], colour: '#1f4e9c', name: 'z' },
  ];
  if (raw) {
    const levels = visible.flatMap(p => [p[3], p[4]]).filter(v => v !== null && v !== undefined);
    const [rawLow, rawHigh] = range(levels, levels.length ? Math.min(...levels) : 0, levels.length ? Math.max(...levels) : 1);
    panels.push({ top: rawTop + 9, bottom: bottom - 6, low: rawLow, high: rawHigh === rawLow ? rawLow + 1 : rawHigh, value: p => p[3] ?? null, colour: '#2a7b3f', name: 'raw (counts)' });
    panels.push({ top: rawTop + 9, bottom: bottom - 6, low: rawLow, high: rawHigh === rawLow ? rawLow + 1 : rawHigh, value: p => p[4] ?? null, colour: '#7b2a8f', name: null, shared: true });
  }
  for (const panel of panels) {
    if (panel.shared) {
      continue;
    }
    // Each value axis runs between round numbers, so both of its ends carry a labelled tick.
    const tickStep = niceStep(panel.low, panel.high, Math.max(3, (panel.bottom - panel.top) / 28));
    panel.low = Math.floor(panel.low / tickStep) * tickStep;
    panel.high = Math.ceil(panel.high / tickStep) * tickStep;
    panel.step = tickStep;
  }
  const y = (panel, v) => panel.bottom - (v - panel.low) * (panel.bottom - panel.top) / (panel.high - panel.low);
  g.font = '12px system-ui, sans-serif';
  for (const [index, panel] of panels.entries()) {
    if (panel.shared) {
      // The control's line on the signal's raw panel, on its axis.
      Object.assign(panel, { low: panels[index - 1].low, high: panels[index - 1].high, step: panels[index - 1].step });
    }
    // The value axis: ticks and their labels in the margin, faint grid lines across.
    const tickStep = panel.step;
    const values = tickValues(panel.low, panel.high, tickStep);
    g.fillStyle = '#222';
    g.strokeStyle = '#e4e4e4';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const v of values) {
      const at = Math.round(y(panel, v)) + 0.5;
      g.beginPath();
      g.moveTo(left, at);
      g.lineTo(right, at);
      g.stroke();
      g.fillText(label(v, tickStep), left - 6, at);
    }
    if (panel.name) {
      g.save();
      g.translate(12, (panel.top + panel.bottom) / 2);
      g.rotate(-Math.PI / 2);
      g.textAlign = 'center';
      g.fillStyle = panel.colour;
      g.fillText(panel.name, 0, 0);
      g.restore();
    } else {
      // Which raw line is which, in the panel's top right corner, in each line's colour.
      g.textAlign = 'right';
      g.textBaseline = 'top';
      g.fillStyle = panels[index - 1].colour;
      g.fillText('signal', right - 60, panel.top);
      g.fillStyle = panel.colour;
      g.fillText('control', right - 4, panel.top);
    }
    g.beginPath();
    g.strokeStyle = panel.colour;
    g.lineWidth = 1.5;
    let drawing = false;
    for (const p of visible) {
      const v = panel.value(p);
      if (v === null) {
        drawing = false;
        continue;
      }
      if (drawing) {
        g.lineTo(x(p[0]), y(panel, v));
      } else {
        g.moveTo(x(p[0]), y(panel, v));
        drawing = true;
      }
    }
    g.stroke();
  }
  // The threshold each response had to reach (pre-onset z + threshold), over its response window.
  if (trace.threshold !== null && trace.postUs !== null) {
    g.save();
    g.setLineDash([8, 4]);
    g.strokeStyle = '#7a1500';
    g.lineWidth = 2.5;
    for (const e of trace.encounters) {
      if (e.preZ === null || e.onsetUs + trace.postUs < leftUs) {
        continue;
      }
      const at = y(panels[1], Math.min(panels[1].high, Math.max(panels[1].low, e.preZ + trace.threshold)));
      g.beginPath();
      g.moveTo(Math.max(left, x(e.onsetUs)), at);
      g.lineTo(Math.min(right, x(e.onsetUs + trace.postUs)), at);
      g.stroke();
    }
    g.restore();
  }
  // The time axis: seconds before the rig's latest sample.
  const seconds = ticks(-span / 1e6, 0, plotWidth / 90);
  g.strokeStyle = '#333';
  g.fillStyle = '#222';
  g.lineWidth = 1;
  g.textAlign = 'center';
  g.textBaseline = 'top';
  g.beginPath();
  g.moveTo(left, bottom + 0.5);
  g.lineTo(right, bottom + 0.5);
  for (const s of seconds.values) {
    const at = Math.round(right + s * 1e6 * (right - left) / span) + 0.5;
    g.moveTo(at, bottom);
    g.lineTo(at, bottom + 5);
    g.fillText(label(s, seconds.step), at, bottom + 6);
  }
  g.stroke();
  g.textAlign = 'right';
  g.fillText('s before now', right, bottom + 18);
  g.strokeStyle = '#999';
  g.beginPath();
  g.moveTo(left, split + 0.5);
  g.lineTo(right, split + 0.5);
  if (raw) {
    g.moveTo(left, rawTop + 0.5);
    g.lineTo(right, rawTop + 0.5);
  }
  g.stroke();
  canvas.dataset.axes = 'time ' + label(-span / 1e6, 1) + ' to 0 s; dF/F ' + panels[0].low.toFixed(2) + ' to ' + panels[0].high.toFixed(2) + ' %; z ' + panels[1].low.toFixed(2) + ' to ' + panels[1].high.toFixed(2)
    + (raw ? '; raw ' + panels[2].low.toFixed(0) + ' to ' + panels[2].high.toFixed(0) + ' counts' : '');
  return true;
}

function animate(now) {
  let drew = false;
  for (const [rig, trace] of traces) {
    const card = cardOf(rig);
    if (card && trace.points.length && card.trace.checkVisibility()) {
      drew = drawTrace(card.trace, trace, now) || drew;
    }
  }
  if (drew) {
    window.closedloopTraceFrames++;
  }
  requestAnimationFrame(animate);
}

export function startTraces() {
  windowChoice.addEventListener('change', () => {
    for (const [rig, trace] of traces) {
      summarise(rig, trace);
    }
  });
  // The trace stream may come before a rig's card: describe what it already brought once the card exists.
  onNewRig(rig => {
    if (traces.has(rig)) {
      summarise(rig, traces.get(rig));
    }
  });
  const stream = new EventSource('/api/traces');
  stream.onmessage = message => takeTraces(JSON.parse(message.data));
  requestAnimationFrame(animate);
}
