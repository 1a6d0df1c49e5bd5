// One connection: how to connect, its rules (admins), and for databases and commands an editor that
// runs a one-off query or command through POST /api/sessions, waiting for a review when one applies.
import {h, mount, errorBox, copyButton} from '../dom.js';
import {get, seg} from '../api.js';
import {agentBadge} from './connections.js';
import {runner} from './connection-run.js';

/** Connection types the API can run a one-off script on, and what the editor calls it. */
const EDITABLE = {postgres: 'Query', 'command-line': 'Command input'};

export default async function connection(main, ctx) {
  const {params, user, signal} = ctx;
  let conn;
  try {
    conn = await get('/api/connections/' + seg(params.name), {signal});
  } catch (err) {
    return mount(main, h('h1', {}, params.name), errorBox(err), h('p', {}, h('a', {href: '/connections'}, 'Back to the connections')));
  }
  document.title = conn.name + ' · hoop';
  const connect = 'hoop connect ' + shellWord(conn.name);
  const rules = h('div');
  mount(main,
    h('p', {}, h('a', {href: '/connections'}, '← Connections')),
    h('h1', {}, conn.name),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Type'), h('dd', {}, conn.subtype ? `${conn.type} (${conn.subtype})` : conn.type),
      h('dt', {}, 'Agent'), h('dd', {}, conn.agent_name ?? '', ' ', agentBadge(conn.agent_status))),
    h('h2', {}, 'Connect from your computer'),
    h('div', {class: 'row'}, h('code', {class: 'command'}, connect), copyButton(connect, 'Copy command')),
    h('p', {class: 'muted'}, connectHint(conn.type)),
    EDITABLE[conn.type] ? runner(conn, EDITABLE[conn.type], ctx) : null,
    h('h2', {}, 'Rules'), rules);
  showRules(rules, conn, user, signal);
}

function connectHint(type) {
  if (type === 'postgres') return 'Then point psql or any PostgreSQL client at the local port it prints.';
  if (type === 'command-line') return 'Opens an interactive terminal on the agent; hoop exec runs one command.';
  return 'Then use the local port it prints.';
}

/** The name as one shell word: quoted unless it is plain. */
function shellWord(name) {
  return /^[A-Za-z0-9._:\/-]+$/.test(name) ? name : "'" + name.replaceAll("'", "'\\''") + "'";
}

/** Review, masking, guardrails and access groups of the connection, read-only (the API shows them to admins). */
async function showRules(root, conn, user, signal) {
  if (!user.is_admin) {
    return mount(root, h('p', {class: 'muted'},
      'Reviews, masking, guardrails and access rules apply when you run something; admins see and change them.'));
  }
  let plugins;
  try {
    plugins = await get('/api/plugins', {signal});
  } catch (err) {
    return mount(root, errorBox(err));
  }
  const of = name => plugins.find(p => p.name === name)?.connections.find(c => c.name === conn.name)?.config;
  const list = (values, none) => values?.length ? values.join(', ') : none;
  const access = plugins.some(p => p.name === 'access_control');
  const dlp = of('dlp');
  mount(root, h('dl', {class: 'facts'},
    h('dt', {}, 'Review'), h('dd', {}, list(of('review'), 'none: runs without approval')),
    h('dt', {}, 'Masking'), h('dd', {}, dlp === undefined ? 'off' : list(dlp, 'every info type')),
    h('dt', {}, 'Guardrails'), h('dd', {}, list(of('guardrails'), 'none')),
    h('dt', {}, 'Access'), h('dd', {}, access ? 'admins and ' + list(of('access_control'), 'no group (admins only)') : 'every user')),
    h('p', {}, h('a', {href: '/admin/connections?edit=' + seg(conn.name)}, 'Change these rules')));
}
