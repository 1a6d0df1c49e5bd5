// The connection page's editor: runs one query or command through POST /api/sessions and shows the
// result (a database's rows as tables, else text), the exit code and error; when the connection
// needs a review, shows who still has to approve and polls until the review is decided, then runs it.
import {h, mount, field, table, errorBox, notice} from '../dom.js';
import {get, post, seg} from '../api.js';
import {parsePsql} from '../psql.js';

const POLL_MS = 2000;

export function runner(conn, label, {signal}) {
  const script = h('textarea', {name: 'script', spellcheck: 'false', class: 'mono', rows: 8});
  const run = h('button', {type: 'submit'}, conn.type === 'postgres' ? 'Run query' : 'Run command');
  const result = h('div', {class: 'result', 'aria-live': 'polite'});
  const form = h('form', {class: 'editor'},
    h('h2', {}, conn.type === 'postgres' ? 'Run a query' : 'Run a command'),
    field(label, script, 'Ctrl+Enter runs it. It is recorded as a session.'),
    h('div', {class: 'row'}, run));
  script.addEventListener('keydown', e => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    run.disabled = true;
    mount(result, notice('Running…'));
    try {
      const answer = await post('/api/sessions', {connection: conn.name, script: script.value}, {signal});
      if (answer.review_id) await waitForReview(conn, answer.review_id, result, signal);
      else show(result, conn, answer);
    } catch (err) {
      if (!signal.aborted) mount(result, errorBox(err));
    } finally {
      run.disabled = false;
    }
  });
  return h('section', {}, form, result);
}

/** Polls the review until it is decided; an approval runs the script and shows its result. */
async function waitForReview(conn, id, result, signal) {
  const link = h('a', {href: '/reviews/' + seg(id)}, 'the review');
  for (;;) {
    const review = await get('/api/reviews/' + seg(id), {signal});
    if (review.status === 'REJECTED') {
      const by = review.groups.filter(g => g.status === 'REJECTED')
        .map(g => `${g.reviewed_by ?? 'someone'} (group ${g.name})${g.reason ? ': ' + g.reason : ''}`);
      return mount(result, h('div', {class: 'error', role: 'alert'}, 'Rejected by ' + by.join('; ') + '.'), h('p', {}, 'See ', link, '.'));
    }
    if (review.status !== 'PENDING') break;
    mount(result, h('div', {class: 'notice warn', role: 'status'},
      'Waiting for approval by ', h('strong', {}, (review.pending_groups ?? []).join(', ') || 'the approvers'), '. ',
      'This page runs it as soon as it is approved; see ', link, '.'));
    await pause(POLL_MS, signal);
  }
  mount(result, notice('Approved: running…', 'ok'));
  const answer = await post('/api/sessions', {connection: conn.name, review_id: id}, {signal});
  if (answer.review_id && !answer.session_id) return waitForReview(conn, id, result, signal);
  show(result, conn, answer, link);
}

function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, {once: true});
  });
}

/** The session's outcome: status line, then the output as tables or text. */
function show(result, conn, answer, reviewLink) {
  const session = answer.session_id ? h('a', {href: '/sessions/' + seg(answer.session_id)}, 'session') : null;
  if (answer.running) {
    return mount(result, notice(h('span', {}, 'Still running; follow the ', session, '.')));
  }
  const ok = answer.exit_code === 0 && !answer.error;
  mount(result,
    h('div', {class: 'spread'},
      h('p', {class: 'status-line'},
        h('span', {class: 'badge ' + (ok ? 'ok' : 'bad')}, answer.exit_code === null || answer.exit_code === undefined ? 'no exit code' : 'exit code ' + answer.exit_code),
        ' ', session ? h('span', {}, 'Recorded as a ', session, reviewLink ? h('span', {}, ' (', reviewLink, ')') : null, '.') : null)),
    answer.error ? h('div', {class: 'error', role: 'alert'}, answer.error) : null,
    answer.output_truncated ? notice('The output was cut: download the whole of it from the session.', 'warn') : null,
    output(conn, answer.output ?? ''));
}

function output(conn, text) {
  if (!text) return h('p', {class: 'muted'}, 'No output.');
  if (conn.type !== 'postgres') return h('pre', {class: 'output'}, text);
  let tables = 0;
  return parsePsql(text).map(block => block.kind === 'text'
    ? h('pre', {class: 'output'}, block.text)
    : h('div', {class: 'result-table'},
        table(block.columns.map((title, k) => ({title, value: row => row[k]})), block.rows,
          {caption: `Result ${++tables}`, empty: 'No rows.'}),
        h('p', {class: 'muted'}, block.footer)));
}
