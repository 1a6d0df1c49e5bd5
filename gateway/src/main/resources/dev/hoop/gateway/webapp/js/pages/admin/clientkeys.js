// Client keys (docs/clientkeys.md): create (the DSN shown once), disable/enable, rotate (a new DSN,
// shown once), delete (its agents are cut off and their published connections deleted).
import {h, mount, field, table, errorBox, time} from '../../dom.js';
import {get, post, put, del, seg} from '../../api.js';
import {secretOnce} from '../../secret.js';
import {confirmButton} from '../../confirm.js';

export default async function clientkeys(main, {signal}) {
  const name = h('input', {name: 'name', required: true, pattern: '[a-zA-Z0-9][a-zA-Z0-9_.\\-]{0,62}', autocomplete: 'off'});
  const shown = h('div');
  const problem = h('div');
  const list = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'card'},
    h('h2', {}, 'New client key'),
    field('Name', name, 'Letters, digits, _ . -; it prefixes the connections its agents publish (NAME:item).'),
    problem, h('button', {type: 'submit'}, 'Create client key'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    problem.replaceChildren();
    try {
      const k = await post('/api/clientkeys', {name: name.value.trim()});
      name.value = '';
      mount(shown, secretOnce(`Client key ${k.name}: its agents' DSN`, k.dsn));
      await refresh();
    } catch (err) { problem.append(errorBox(err)); }
  });
  const act = async (fn, after) => {
    shown.replaceChildren();
    try { const r = await fn(); if (after) after(r); await refresh(); }
    catch (err) { mount(shown, errorBox(err)); }
  };
  const refresh = async () => {
    const keys = await get('/api/clientkeys', {signal});
    mount(list, table([
      {title: 'Name', value: k => k.name},
      {title: 'State', value: k => h('span', {class: 'badge ' + (k.active ? 'ok' : 'bad')}, k.active ? 'active' : 'disabled')},
      {title: 'Published connections', value: k => k.connections.join(', ') || h('span', {class: 'muted'}, 'none')},
      {title: 'Created', value: k => time(k.created_at)},
      {title: 'Actions', value: k => h('div', {class: 'row actions'},
        h('button', {type: 'button', class: 'secondary', 'aria-label': (k.active ? 'Disable ' : 'Enable ') + k.name,
          onClick: () => act(() => put('/api/clientkeys/' + seg(k.name), {active: !k.active}))}, k.active ? 'Disable' : 'Enable'),
        confirmButton('Rotate', `Issue a new DSN for ${k.name}? Its agents are cut off until they use it.`,
          () => act(() => put('/api/clientkeys/' + seg(k.name), {rotate: true}), r => mount(shown, secretOnce(`Client key ${r.name}: its new DSN`, r.dsn)))),
        confirmButton('Delete', `Delete ${k.name} and the connections its agents published?`,
          () => act(() => del('/api/clientkeys/' + seg(k.name)))))},
    ], keys, {caption: 'Client keys', empty: 'No client key yet.'}));
  };
  mount(main, h('h1', {}, 'Client keys'),
    h('p', {class: 'muted'}, 'A client key lets agents you run elsewhere publish their own connections.'),
    form, shown, list);
  try { await refresh(); } catch (err) { if (!signal.aborted) mount(list, errorBox(err)); }
}
