// API keys for automation: create (the key shown once), list, revoke (at once, open streams too).
import {h, mount, field, table, errorBox, time} from '../../dom.js';
import {get, post, del, seg} from '../../api.js';
import {secretOnce} from '../../secret.js';
import {confirmButton} from '../../confirm.js';

export default async function apikeys(main, {signal}) {
  const name = h('input', {name: 'name', required: true, autocomplete: 'off'});
  const groups = h('input', {name: 'groups', autocomplete: 'off'});
  const shown = h('div');
  const problem = h('div');
  const list = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'card'},
    h('h2', {}, 'New API key'),
    field('Name', name),
    field('Groups', groups, 'Comma-separated; the key acts with these groups (admins for full access).'),
    problem, h('button', {type: 'submit'}, 'Create API key'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    problem.replaceChildren();
    try {
      const k = await post('/api/apikeys', {name: name.value.trim(), groups: groups.value.split(',').map(g => g.trim()).filter(Boolean)});
      name.value = groups.value = '';
      mount(shown, secretOnce(`API key ${k.name}`, k.key, 'Copy it now: it is shown only this once. Send it as "Authorization: Bearer KEY".'));
      await refresh();
    } catch (err) { problem.append(errorBox(err)); }
  });
  const refresh = async () => {
    const keys = await get('/api/apikeys', {signal});
    mount(list, table([
      {title: 'Name', value: k => k.name},
      {title: 'Groups', value: k => k.groups.join(', ')},
      {title: 'State', value: k => h('span', {class: 'badge ' + (k.status === 'active' ? 'ok' : 'bad')}, k.status)},
      {title: 'Created', value: k => time(k.created_at)},
      {title: 'Revoked', value: k => time(k.revoked_at)},
      {title: 'Actions', value: k => k.status !== 'active' ? '' : confirmButton('Revoke', `Revoke ${k.name}?`, async () => {
        shown.replaceChildren();
        try { await del('/api/apikeys/' + seg(k.name)); await refresh(); } catch (err) { mount(shown, errorBox(err)); }
      })},
    ], keys, {caption: 'API keys', empty: 'No API key yet.'}));
  };
  mount(main, h('h1', {}, 'API keys'), form, shown, list);
  try { await refresh(); } catch (err) { if (!signal.aborted) mount(list, errorBox(err)); }
}
