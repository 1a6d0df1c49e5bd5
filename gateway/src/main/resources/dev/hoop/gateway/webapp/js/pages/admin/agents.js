// Agents (admins): the list with each one's status, and creating one, which shows its DSN once.
import {h, mount, field, table, errorBox, notice, time, copyButton} from '../../dom.js';
import {get, post} from '../../api.js';
import {agentBadge} from '../connections.js';

export default async function agents(main, {signal}) {
  const list = h('div');
  const created = h('div');
  const name = h('input', {name: 'name', required: true, autocomplete: 'off'});
  const problem = h('div');
  const form = h('form', {class: 'card'},
    h('h2', {}, 'New agent'),
    field('Agent name', name, 'Letters, digits, . _ : - ; e.g. prod-eu.'), problem,
    h('button', {type: 'submit'}, 'Create agent'));
  const refresh = async () => {
    try {
      const rows = await get('/api/agents', {signal});
      mount(list, table([
        {title: 'Name', value: a => a.name},
        {title: 'Status', value: a => agentBadge(a.status)},
        {title: 'Host', value: a => a.hostname ?? ''},
        {title: 'Version', value: a => a.version ?? ''},
        {title: 'Created', value: a => time(a.created_at)},
      ], rows, {caption: 'Agents', empty: 'No agent yet: create one below.'}));
    } catch (err) {
      mount(list, errorBox(err));
    }
  };
  form.addEventListener('submit', async event => {
    event.preventDefault();
    mount(problem);
    try {
      const agent = await post('/api/agents', {name: name.value.trim(), mode: 'standard'}, {signal});
      name.value = '';
      mount(created, dsnBox(agent));
      await refresh();
    } catch (err) {
      mount(problem, errorBox(err));
    }
  });
  mount(main, h('h1', {}, 'Agents'), list, created, form);
  await refresh();
}

/** The new agent's DSN, shown this once: only its hash is stored. */
function dsnBox(agent) {
  const dsn = h('input', {readonly: true, class: 'mono secret', value: agent.token, 'aria-label': `DSN of agent ${agent.name}`});
  const start = `HOOP_DSN='${agent.token}' hoop start agent`;
  return h('section', {class: 'card secret-box', 'aria-labelledby': 'dsn-title'},
    h('h2', {id: 'dsn-title'}, `Agent ${agent.name} created`),
    notice('Copy its DSN now: it is shown only this once (the gateway keeps only a hash of it).', 'warn'),
    h('div', {class: 'row'}, dsn, copyButton(agent.token, 'Copy DSN')),
    h('p', {class: 'muted'}, 'Start the agent where it reaches your resources:'),
    h('div', {class: 'row'}, h('code', {class: 'command'}, "HOOP_DSN='…' hoop start agent"), copyButton(start, 'Copy start command')));
}
