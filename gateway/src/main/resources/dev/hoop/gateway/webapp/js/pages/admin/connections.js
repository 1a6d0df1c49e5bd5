// Connections (admins): the list, and creating, changing or deleting one with its plugins.
import {h, mount, table, errorBox, notice} from '../../dom.js';
import {get, del, seg} from '../../api.js';
import {agentBadge} from '../connections.js';
import {connectionForm} from './connection-form.js';

export default async function adminConnections(main, {query, signal}) {
  const list = h('div');
  const editor = h('div');
  const status = h('div', {'aria-live': 'polite'});
  let agents = [];
  let plugins = [];
  const open = conn => {
    mount(editor, connectionForm({conn, agents, plugins, signal, done: async message => {
      mount(editor);
      mount(status, notice(message, 'ok'));
      await refresh();
    }}));
    editor.querySelector('input:not([readonly]), select')?.focus();
  };
  const remove = async (conn, button) => {
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = `Really delete ${conn.name}?`;
      button.setAttribute('aria-label', button.textContent);
      return;
    }
    try {
      await del('/api/connections/' + seg(conn.name), {signal});
      mount(status, notice(`Connection ${conn.name} deleted.`, 'ok'));
      await refresh();
    } catch (err) {
      mount(status, errorBox(err));
    }
  };
  const refresh = async () => {
    try {
      let rows;
      [rows, agents, plugins] = await Promise.all([
        get('/api/connections', {signal}), get('/api/agents', {signal}), get('/api/plugins', {signal})]);
      mount(list, table([
        {title: 'Name', value: c => h('a', {href: '/connections/' + seg(c.name)}, c.name)},
        {title: 'Type', value: c => c.type},
        {title: 'Agent', value: c => h('span', {}, c.agent_name ?? '', ' ', agentBadge(c.agent_status))},
        {title: 'Secrets', value: c => (c.secret_keys ?? []).join(', ')},
        {title: 'Actions', value: c => h('div', {class: 'row'},
          h('button', {type: 'button', class: 'secondary', 'aria-label': `Edit ${c.name}`, onClick: () => open(c)}, 'Edit'),
          h('button', {type: 'button', class: 'danger', 'aria-label': `Delete ${c.name}`,
            onClick: e => remove(c, e.currentTarget)}, 'Delete'))},
      ], rows, {caption: 'Connections', empty: 'No connection yet.'}));
      return rows;
    } catch (err) {
      mount(list, errorBox(err));
      return [];
    }
  };
  mount(main,
    h('div', {class: 'spread'}, h('h1', {}, 'Connections'),
      h('button', {type: 'button', onClick: () => open(null)}, 'New connection')),
    status, list, editor);
  const rows = await refresh();
  const wanted = query.get('edit');
  if (wanted) {
    const conn = rows.find(c => c.name === wanted);
    if (conn) open(conn); else mount(status, errorBox({message: `connection '${wanted}' not found`}));
  }
}
