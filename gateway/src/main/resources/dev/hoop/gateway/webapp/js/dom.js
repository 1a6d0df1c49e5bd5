// DOM helpers for every page. Text always goes in as text (never as HTML), so a value from the API
// cannot inject markup; the CSP forbids inline scripts besides.

/** h('a', {href: '/x', class: 'btn', onClick: fn}, 'child', node, [more]) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value' || key === 'checked') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces what root shows. */
export function mount(root, ...children) {
  root.replaceChildren();
  append(root, children);
}

let ids = 0;
/** A labelled form control: field('Email', h('input', {name: 'email'})). */
export function field(label, control, hint) {
  const id = control.id || (control.id = 'f' + (++ids));
  const hintEl = hint ? h('small', {id: id + '-hint', class: 'muted'}, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', {class: 'field'}, h('label', {for: id}, label), control, hintEl);
}

/** A table: columns are [{title, value: row => text|node}]. */
export function table(columns, rows, {caption, empty = 'Nothing here yet.'} = {}) {
  if (!rows.length) return h('p', {class: 'muted'}, empty);
  return h('div', {class: 'table-wrap'},
    h('table', {},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, columns.map(c => h('th', {scope: 'col'}, c.title)))),
      h('tbody', {}, rows.map(r => h('tr', {}, columns.map(c => h('td', {}, c.value(r))))))));
}

/** An error as the user should read it: what the API said. */
export function errorBox(err) {
  return h('div', {class: 'error', role: 'alert'}, err?.message ?? String(err));
}

/** A status line that screen readers announce. */
export function notice(text, kind = 'info') {
  return h('div', {class: 'notice ' + kind, role: 'status'}, text);
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString();
}

/** Copies text to the clipboard from a button, saying so on the button. */
export function copyButton(text, label = 'Copy') {
  const btn = h('button', {type: 'button', class: 'secondary'}, label);
  btn.addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(text); btn.textContent = 'Copied'; }
    catch { btn.textContent = 'Select and copy'; }
  });
  return btn;
}
