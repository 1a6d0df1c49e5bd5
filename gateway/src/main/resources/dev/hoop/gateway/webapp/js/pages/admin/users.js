// Users and groups (admins): list, create, change a user's groups, disable or enable.
import {h, mount, field, table, errorBox, notice} from '../../dom.js';
import {get, post, put, seg} from '../../api.js';

/** "dba, sre" → ["dba", "sre"]. */
export const groupList = text => text.split(/[,\s]+/).map(s => s.trim()).filter(Boolean);

export default async function users(main, {user: me, signal}) {
  const list = h('div');
  const editor = h('div');
  const status = h('div');
  const refresh = async () => {
    try {
      const rows = await get('/api/users', {signal});
      mount(list, table([
        {title: 'Email', value: u => u.email},
        {title: 'Name', value: u => u.name ?? ''},
        {title: 'Groups', value: u => u.groups.join(', ')},
        {title: 'Status', value: u => h('span', {class: 'badge ' + (u.status === 'active' ? 'ok' : 'bad')}, u.status)},
        {title: 'Actions', value: u => h('div', {class: 'row'},
          h('button', {type: 'button', class: 'secondary', 'aria-label': `Edit groups of ${u.email}`, onClick: () => edit(u)}, 'Edit groups'),
          u.email === me.email ? null : h('button', {type: 'button', class: u.status === 'active' ? 'danger' : 'secondary',
            'aria-label': `${u.status === 'active' ? 'Disable' : 'Enable'} ${u.email}`, onClick: () => setStatus(u)},
            u.status === 'active' ? 'Disable' : 'Enable'))},
      ], rows, {caption: 'Users'}));
    } catch (err) {
      mount(list, errorBox(err));
    }
  };
  const setStatus = async u => {
    const next = u.status === 'active' ? 'disabled' : 'active';
    try {
      await put('/api/users/' + seg(u.id), {status: next}, {signal});
      mount(status, notice(`${u.email} is now ${next}.`, 'ok'));
      await refresh();
    } catch (err) {
      mount(status, errorBox(err));
    }
  };
  const edit = u => {
    const groups = h('input', {name: 'groups', value: u.groups.join(', '), autocomplete: 'off'});
    const problem = h('div');
    const form = h('form', {class: 'card'},
      h('h2', {}, `Groups of ${u.email}`),
      field('Groups', groups, 'Separated by commas; the admin group makes an admin.'), problem,
      h('div', {class: 'row'}, h('button', {type: 'submit'}, 'Save groups'),
        h('button', {type: 'button', class: 'secondary', onClick: () => mount(editor)}, 'Cancel')));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await put('/api/users/' + seg(u.id), {groups: groupList(groups.value)}, {signal});
        mount(editor);
        mount(status, notice(`Groups of ${u.email} saved.`, 'ok'));
        await refresh();
      } catch (err) {
        mount(problem, errorBox(err));
      }
    });
    mount(editor, form);
    groups.focus();
  };
  mount(main, h('h1', {}, 'Users and groups'), status, list, editor, createForm(refresh, status, signal));
  await refresh();
}

function createForm(refresh, status, signal) {
  const email = h('input', {type: 'email', name: 'email', required: true, autocomplete: 'off'});
  const name = h('input', {name: 'name', autocomplete: 'off'});
  const password = h('input', {type: 'password', name: 'password', autocomplete: 'new-password'});
  const groups = h('input', {name: 'groups', autocomplete: 'off'});
  const problem = h('div');
  const form = h('form', {class: 'card'},
    h('h2', {}, 'New user'),
    h('div', {class: 'grid'},
      field('Email', email), field('Name', name),
      field('Password', password, 'Leave empty for users who sign in with SSO.'),
      field('Groups', groups, 'Separated by commas.')),
    problem, h('button', {type: 'submit'}, 'Create user'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    mount(problem);
    const body = {email: email.value.trim(), name: name.value.trim() || undefined, groups: groupList(groups.value)};
    if (password.value) body.password = password.value;
    try {
      const created = await post('/api/users', body, {signal});
      form.reset();
      mount(status, notice(`User ${created.email} created.`, 'ok'));
      await refresh();
    } catch (err) {
      mount(problem, errorBox(err));
    }
  });
  return form;
}
