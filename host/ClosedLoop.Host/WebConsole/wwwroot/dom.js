// Small helpers for building the page's elements.

export function element(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, value);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

// Writes a text only when it changed, so that a live region is not announced again for the same words.
export function setText(node, text) {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

export function button(text, kind, action) {
  const node = element('button', { type: 'button', class: kind }, text);
  node.addEventListener('click', action);
  return node;
}

export function cells(values) {
  const row = element('tr');
  for (const value of values) {
    row.appendChild(element('td', {}, String(value)));
  }
  return row;
}

export function format(value, digits) {
  return value === null || value === undefined || Number.isNaN(value) ? '-' : Number(value).toFixed(digits);
}

// A moment as the person at the rig reads it: their own local date and time, to the second.
export function localTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
