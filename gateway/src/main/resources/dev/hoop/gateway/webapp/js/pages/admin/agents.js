// Agents (admins): the list with each one's status and the connections it serves, creating one (its
// DSN shown once) and deleting one (asked again in the page; the API's refusal is shown as it says it).
import {h, mount, field, table, errorBox, notice, time, copyButton} from '../../dom.js';
import {get, post, del, seg} from '../../api.js';
import {agentBadge} from '../connections.js';
import {confirmButton} from '../../confirm.js';

export default async function agents(main, {signal}) {
  const list = h('div');
  const created = h('div');
  const status = h('div', {'aria-live': 'polite'});
  const name = h('input', {name: 'name', required: true, autocomplete: 'off'});
  const problem = h('div');
  const form = h('form', {class: 'card'},
    h('h2', {}, 'New agent'),
    field('Agent name', name, 'Letters, digits, . _ : - ; e.g. prod-eu.'), problem,
    h('button', {type: 'submit'}, 'Create agent'));
  const refresh = async () => {
    try {
      const [rows, connections] = await Promise.all([get('/api/agents', {signal}), get('/api/connections', {signal})]);
      const served = a => connections.filter(c => c.agent_id === a.id).map(c => c.name);
      mount(list, table([
        {title: 'Name', value: a => a.name},
        {title: 'Status', value: a => agentBadge(a.status)},
        {title: 'Host', value: a => a.hostname ?? ''},
        {title: 'Version', value: a => a.version ?? ''},
        {title: 'Connections', value: a => served(a).join(', ') || h('span', {class: 'muted'}, 'none')},
        {title: 'Created', value: a => time(a.created_at)},
        {title: 'Actions', value: a => confirmButton('Delete', deleteQuestion(a, served(a)), () => remove(a), {name: `Delete agent ${a.name}`})},
      ], rows, {caption: 'Agents', empty: 'No agent yet: create one below.'}));
    } catch (err) {
      mount(list, errorBox(err));
    }
  };
  const remove = async agent => {
    try {
      await del('/api/agents/' + seg(agent.name), {signal});
      mount(status, notice(`Agent ${agent.name} deleted.`, 'ok'));
    } catch (err) {
      mount(status, errorBox(err));
    }
    await refresh();
  };
  form.addEventListener('submit', async event => {
    event.preventDefault();
    mount(problem);
    mount(status);
    try {
      const agent = await post('/api/agents', {name: name.value.trim(), mode: 'standard'}, {signal});
      name.value = '';
      mount(created, dsnBox(agent));
      await refresh();
    } catch (err) {
      mount(problem, errorBox(err));
    }
  });
  mount(main, h('h1', {}, 'Agents'), status, list, created, form);
  await refresh();
}

/**
 * The database keeps an agent's connections when it goes (agent_id set to null), so the question
 * names them; a connected agent is cut off at once, with its open sessions, so it says that too.
 */
function deleteQuestion(agent, connections) {
  const kept = connections.length
    ? ` Its connections (${connections.join(', ')}) stay, without an agent until one is chosen.`
    : '';
  const cut = agent.status === 'CONNECTED' ? ' It is connected: it is cut off now and its open sessions end.' : '';
  return `Delete agent ${agent.name}?${kept}${cut}`;
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
