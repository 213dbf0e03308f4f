// Small DOM helpers: elements from props and children (text via textContent only, never
// innerHTML), SVG elements, and formatting the API's values for people.

export function h(tag, props = {}, ...children) {
  return fill(document.createElement(tag), props, children);
}

export function s(tag, props = {}, ...children) {
  return fill(document.createElementNS('http://www.w3.org/2000/svg', tag), props, children);
}

function fill(node, props, children) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.setAttribute('class', value);
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'value' && 'value' in node) node.value = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export const $ = (id) => document.getElementById(id);

// "system_design" → "System design"
export function label(value) {
  if (value === null || value === undefined || value === '') return '—';
  const text = String(value).replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function date(iso, withTime = false) {
  if (!iso) return 'no date';
  const options = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };
  if (withTime) Object.assign(options, { hour: '2-digit', minute: '2-digit' });
  return new Date(iso).toLocaleString(undefined, options);
}

export function shortDate(d) {
  return new Date(d).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

// "in 3 days", "2 hours ago"
export function relative(iso) {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const units = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];
  const fmt = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return fmt.format(Math.round(seconds / size), unit);
  }
  return fmt.format(Math.round(seconds / 60), 'minute');
}

export function number(value, digits = 1) {
  return value === null || value === undefined ? '—' : Number(value).toFixed(digits);
}

export function percent(value) {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}

// A rating 1–10 as a labelled badge whose colour follows the score (the number is always shown).
export function ratingBadge(value, prefix = '') {
  if (value === null || value === undefined) return h('span', { class: 'rating none', text: `${prefix}not rated` });
  const band = value <= 3 ? 'low' : value <= 5 ? 'mid' : value <= 8 ? 'good' : 'high';
  return h('span', { class: `rating ${band}`, title: `${prefix}${value} out of 10`, text: `${prefix}${value}/10` });
}

export function errorBox(err) {
  return h('p', { class: 'error', role: 'alert', text: err?.message || String(err) });
}
