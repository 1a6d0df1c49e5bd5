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
    h('h2', {}, 'Rules'), rulesOf(conn, user));
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

/** Review, masking, guardrails and access groups of the connection, read-only (GET /api/connections/NAME answers them). */
function rulesOf(conn, user) {
  const r = conn.rules;
  if (!r) return h('p', {class: 'muted'}, 'This gateway does not tell the rules of its connections.');
  const list = (values, none) => values?.length ? values.join(', ') : none;
  return h('div', {},
    h('dl', {class: 'facts'},
      h('dt', {}, 'Review'), h('dd', {}, r.reviewers.length ? 'approval by ' + r.reviewers.join(', ') : 'none: runs without approval'),
      h('dt', {}, 'Masking'), h('dd', {}, r.masking === null ? 'off' : list(r.masking, 'every info type')),
      h('dt', {}, 'Guardrails'), h('dd', {}, list(r.guardrails, 'none')),
      h('dt', {}, 'Access'), h('dd', {}, r.access_groups === null ? 'every user' : 'admins and ' + list(r.access_groups, 'no group (admins only)'))),
    user.is_admin ? h('p', {}, h('a', {href: '/admin/connections?edit=' + seg(conn.name)}, 'Change these rules')) : null);
}
