// A secret the API answers once (a DSN, an API key, a signing secret): shown in the page with a copy
// button, never written to the browser's storage, and gone when the page is left or the box closed.
import {h, copyButton} from './dom.js';

export function secretOnce(title, value, explanation) {
  const box = h('div', {class: 'notice warn secret', role: 'status'},
    h('strong', {}, title),
    h('p', {}, explanation || 'Copy it now: it is shown only this once and cannot be read again.'),
    h('div', {class: 'row'}, h('code', {class: 'secret-value'}, value), copyButton(value)),
    h('button', {type: 'button', class: 'secondary', onClick: () => box.remove()}, 'I have copied it, hide it'));
  return box;
}
