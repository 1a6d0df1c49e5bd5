// A destructive action asks once more, in the page (no window.confirm): the button becomes
// "Yes, …" and "Cancel", keyboard-usable, and the focus stays on the confirming button.
import {h} from './dom.js';

export function confirmButton(label, question, action) {
  const holder = h('span', {class: 'confirm'});
  const first = h('button', {type: 'button', class: 'secondary'}, label);
  first.addEventListener('click', () => {
    const yes = h('button', {type: 'button', class: 'danger'}, 'Yes, ' + label.toLowerCase());
    const no = h('button', {type: 'button', class: 'secondary'}, 'Cancel');
    yes.addEventListener('click', async () => { yes.disabled = true; await action(); });
    no.addEventListener('click', () => { holder.replaceChildren(first); first.focus(); });
    holder.replaceChildren(h('span', {class: 'muted'}, question + ' '), yes, no);
    yes.focus();
  });
  holder.append(first);
  return holder;
}
