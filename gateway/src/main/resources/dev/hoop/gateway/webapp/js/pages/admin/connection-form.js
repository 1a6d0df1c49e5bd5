// The admin's form for one connection (new or existing) and its plugins: reviewers (review),
// masking (dlp), guardrails and access groups (access_control). Secret values are write-only: the
// API answers their names only, so an edit leaves them as stored unless new values are typed.
import {h, mount, field, errorBox} from '../../dom.js';
import {get, post, put, seg} from '../../api.js';
import {groupList} from './users.js';

const TYPES = ['postgres', 'command-line', 'tcp', 'http'];
const SECRET_KEYS = {postgres: ['HOST', 'PORT', 'USER', 'PASS', 'DB'], tcp: ['HOST', 'PORT'], http: ['HOST'], 'command-line': []};

export function connectionForm({conn, agents, plugins, signal, done}) {
  const creating = !conn;
  const of = name => plugins.find(p => p.name === name)?.connections.find(c => c.name === conn?.name)?.config;
  const name = h('input', {name: 'name', required: true, autocomplete: 'off', value: conn?.name ?? '', readonly: !creating});
  const type = h('select', {name: 'type'}, TYPES.map(t => h('option', {value: t, selected: (conn?.type ?? 'postgres') === t}, t)));
  const agent = h('select', {name: 'agent', required: true},
    agents.length ? null : h('option', {value: ''}, 'no agent yet: create one first'),
    agents.map(a => h('option', {value: a.name, selected: conn?.agent_name === a.name}, `${a.name} (${a.status === 'CONNECTED' ? 'online' : 'offline'})`)));
  const command = h('textarea', {name: 'command', rows: 2, class: 'mono short', spellcheck: 'false', value: (conn?.command ?? []).join('\n')});
  const secrets = h('div', {class: 'secrets'});
  const addSecret = (key = '') => {
    const n = secrets.children.length + 1;
    secrets.append(h('div', {class: 'secret-row'},
      field(`Secret ${n} name`, h('input', {name: 'secret-key', value: key, autocomplete: 'off', class: 'mono'})),
      field(`Secret ${n} value`, h('input', {type: 'password', name: 'secret-value', autocomplete: 'new-password'}))));
  };
  const seedSecrets = () => {
    secrets.replaceChildren();
    (creating ? SECRET_KEYS[type.value] ?? [] : conn.secret_keys ?? []).forEach(k => addSecret(k));
    if (!secrets.children.length) addSecret();
  };
  seedSecrets();
  if (creating) type.addEventListener('change', seedSecrets);

  const reviewers = h('input', {name: 'reviewers', autocomplete: 'off', value: (of('review') ?? []).join(', ')});
  const dlp = of('dlp');
  const masking = h('input', {type: 'checkbox', name: 'masking', checked: dlp !== undefined});
  const maskRules = h('input', {name: 'masking-rules', autocomplete: 'off', class: 'mono', value: (dlp ?? []).join(', ')});
  const guardrails = h('input', {name: 'guardrails', autocomplete: 'off', class: 'mono', value: (of('guardrails') ?? []).join(', ')});
  const access = h('input', {name: 'access', autocomplete: 'off', value: (of('access_control') ?? []).join(', ')});
  const accessOn = plugins.some(p => p.name === 'access_control');
  const problem = h('div');

  const form = h('form', {class: 'card', 'aria-labelledby': 'conn-form-title'},
    h('h2', {id: 'conn-form-title'}, creating ? 'New connection' : `Edit ${conn.name}`),
    h('div', {class: 'grid'}, field('Name', name), field('Type', type), field('Agent', agent)),
    field('Command', command, 'One argument per line, e.g. bash (command-line connections); empty for the type\'s default.'),
    h('fieldset', {},
      h('legend', {}, 'Secrets'),
      h('p', {class: 'muted'}, creating ? 'Given to the agent as environment variables.'
        : 'Stored values are never shown. Type values only to replace them; leave all values empty to keep the stored ones.'),
      secrets,
      h('button', {type: 'button', class: 'secondary', onClick: () => addSecret()}, 'Add a secret')),
    h('fieldset', {},
      h('legend', {}, 'Plugins'),
      field('Reviewer groups', reviewers, 'Groups that must approve each use, separated by commas; empty: no review.'),
      h('div', {class: 'check'}, masking, h('label', {for: masking.id || (masking.id = 'masking-on')}, 'Mask sensitive data in results')),
      field('Masking rules', maskRules, 'Info types and rules, e.g. EMAIL_ADDRESS, column:ssn, format:TOKEN; empty: every info type.'),
      field('Guardrails', guardrails, 'e.g. read-only, drop, delete-without-where, deny-table:NAME; empty: none.'),
      field('Access groups', access, accessOn
        ? 'Groups that may use it besides admins; empty: admins only.'
        : 'Groups that may use it besides admins. While no connection lists groups, every user may use every connection.')),
    problem,
    h('div', {class: 'row'},
      h('button', {type: 'submit'}, creating ? 'Create connection' : 'Save connection'),
      h('button', {type: 'button', class: 'secondary', onClick: () => done('Nothing changed.')}, 'Cancel')));

  form.addEventListener('submit', async event => {
    event.preventDefault();
    mount(problem);
    const body = {type: type.value, agent_name: agent.value, command: command.value.split('\n').map(s => s.trim()).filter(Boolean)};
    const secret = readSecrets(secrets);
    if (creating || Object.values(secret).some(Boolean)) body.secret = secret;
    const target = creating ? name.value.trim() : conn.name;
    let saved = false;
    try {
      if (creating) await post('/api/connections', {name: target, ...body}, {signal});
      else await put('/api/connections/' + seg(target), body, {signal});
      saved = true;
      await put(`/api/connections/${seg(target)}/reviewers`, {groups: groupList(reviewers.value)}, {signal});
      await put('/api/guardrails/' + seg(target), {rules: list(guardrails.value)}, {signal});
      await setPluginEntry('dlp', target, masking.checked ? list(maskRules.value) : null, signal);
      const groups = groupList(access.value);
      await setPluginEntry('access_control', target, groups.length ? groups : null, signal);
      done(`Connection ${target} ${creating ? 'created' : 'saved'}.`);
    } catch (err) {
      mount(problem, errorBox(saved ? {message: `The connection is saved, but not all its plugins: ${err.message}`} : err));
    }
  });
  return form;
}

const list = text => text.split(',').map(s => s.trim()).filter(Boolean);

function readSecrets(root) {
  const out = {};
  for (const row of root.querySelectorAll('.secret-row')) {
    const key = row.querySelector('[name=secret-key]').value.trim();
    if (key) out[key] = row.querySelector('[name=secret-value]').value;
  }
  return out;
}

/** Sets (or with null removes) one connection's entry of a plugin, keeping the other connections' entries. */
async function setPluginEntry(plugin, connection, config, signal) {
  let current = null;
  try {
    current = await get('/api/plugins/' + seg(plugin), {signal});
  } catch (err) {
    if (err.status !== 404) throw err;
  }
  const others = (current?.connections ?? []).filter(c => c.name !== connection);
  if (!current) {
    return config === null ? null : post('/api/plugins', {name: plugin, connections: [{name: connection, config}]}, {signal});
  }
  const mine = (current.connections ?? []).find(c => c.name === connection);
  if (config === null && !mine) return null;
  return put('/api/plugins/' + seg(plugin), {connections: config === null ? others : [...others, {name: connection, config}]}, {signal});
}
