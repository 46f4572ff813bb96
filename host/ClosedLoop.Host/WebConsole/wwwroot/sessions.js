// Sessions and data: the log's boots with their counts, each with its report and export bundle one click away.
import { problemText, request } from './api.js';
import { element, localTime } from './dom.js';

const note = document.getElementById('sessions-note');
const table = document.getElementById('sessions-table');
const listeners = [];

// Hears the boots a replay may use (none in a blinded console).
export function onSessions(listener) {
  listeners.push(listener);
}

function rowOf(boot, blind) {
  const row = element('tr', { 'data-rig': boot.rig, 'data-boot': String(boot.boot) });
  for (const value of [boot.rig, boot.boot, boot.subjects.join(', ') || '-']) {
    row.appendChild(element('td', {}, String(value)));
  }
  // The session's start in the reader's local time; the UTC moment the log holds on hovering.
  row.appendChild(boot.startedUtc ? element('td', { title: boot.startedUtc + ' (UTC)' }, localTime(boot.startedUtc)) : element('td', {}, '-'));
  for (const value of [boot.encounters, boot.deficits, boot.trains, boot.shamTrains ?? '-', boot.refusals, boot.faults]) {
    row.appendChild(element('td', {}, String(value)));
  }
  const links = element('td');
  const base = '/api/sessions/' + encodeURIComponent(boot.rig) + '/' + boot.boot;
  if (blind) {
    links.textContent = 'after unblinding';
  } else {
    links.append(element('a', { href: base + '/report', target: '_blank', rel: 'noopener' }, 'Report'), ' ',
      element('a', { href: base + '/export', download: boot.rig + '-boot' + boot.boot + '.zip' }, 'Export (zip)'));
  }
  row.appendChild(links);
  return row;
}

export async function loadSessions() {
  let listing;
  try {
    listing = await request('/api/sessions');
  } catch (error) {
    listing = { error: problemText(error) };
  }
  const usable = listing.error || listing.blind ? [] : listing.boots;
  if (listing.error) {
    note.textContent = listing.error;
    table.hidden = true;
  } else {
    note.textContent = listing.boots.length + ' logged boot(s) in ' + listing.log + '.';
    const rows = listing.boots.map(b => rowOf(b, listing.blind));
    table.querySelector('tbody').replaceChildren(...rows);
    table.hidden = rows.length === 0;
  }
  for (const listener of listeners) {
    listener(usable);
  }
}

export function startSessions() {
  document.getElementById('sessions-refresh').addEventListener('click', loadSessions);
  loadSessions();
}
