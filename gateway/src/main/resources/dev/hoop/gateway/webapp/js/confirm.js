// A destructive action asks once more, in the page (no window.confirm): the button becomes
// "Yes, …" and "Cancel", keyboard-usable (Escape cancels too), and the focus stays on the confirming
// button. The question labels the pair, so a screen reader says what "Yes" agrees to.
import {h} from './dom.js';

/** name: the first button's accessible name when the label alone is ambiguous (one button per row). */
export function confirmButton(label, question, action, {name} = {}) {
  const holder = h('span', {class: 'confirm'});
  const first = h('button', {type: 'button', class: 'secondary', 'aria-label': name}, label);
  const cancel = () => {
    holder.removeAttribute('role');
    holder.removeAttribute('aria-label');
    holder.replaceChildren(first);
    first.focus();
  };
  holder.addEventListener('keydown', event => { if (event.key === 'Escape' && !first.isConnected) cancel(); });
  first.addEventListener('click', () => {
    const yes = h('button', {type: 'button', class: 'danger'}, 'Yes, ' + label.toLowerCase());
    const no = h('button', {type: 'button', class: 'secondary'}, 'Cancel');
    yes.addEventListener('click', async () => { yes.disabled = true; await action(); });
    no.addEventListener('click', cancel);
    holder.setAttribute('role', 'group');
    holder.setAttribute('aria-label', question);
    holder.replaceChildren(h('span', {class: 'muted'}, question + ' '), yes, no);
    yes.focus();
  });
  holder.append(first);
  return holder;
}
