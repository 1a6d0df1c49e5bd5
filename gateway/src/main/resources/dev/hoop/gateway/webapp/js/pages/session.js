// A session: who ran what and how it ended, its seal, its events live while it runs, and once it
// ended a terminal replay (command-line) or a statement timeline (PostgreSQL), and downloads.
import {h, mount, table, errorBox, notice, time} from '../dom.js';
import {get} from '../api.js';
import {followEvents, download} from '../stream.js';
import {statusBadge} from '../sessions-view.js';

const EVENTS_PAGE = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function session(main, ctx) {
  const {params, signal} = ctx;
  const id = params.id;
  const base = '/api/sessions/' + encodeURIComponent(id);
  let detail;
  // only an id goes into the API's path: '..' would reach another route
  if (!UUID.test(id)) return mount(main, h('h1', {}, 'Session'), errorBox({message: `session '${id}' not found`}));
  try {
    detail = await get(base + '?events_limit=' + EVENTS_PAGE, {signal});
  } catch (err) {
    return mount(main, h('h1', {}, 'Session'), errorBox(err));
  }
  const s = detail.session;
  const badge = h('span', {class: 'badge'}, 'checking seal…');
  const body = h('div');
  mount(main,
    h('div', {class: 'spread'}, h('h1', {}, `${s.verb} ${s.connection}`), h('div', {class: 'row'}, statusBadge(s), badge)),
    metadata(s),
    downloads(base, s),
    body);
  verification(base, s, badge, signal);
  if (s.status === 'open') return live(base, body, ctx);
  if (s.connection_type === 'command-line') return replay(base, body, signal);
  if (s.connection_type === 'postgres') return timeline(base, body, signal);
  return events(base, body, detail, signal);
}

function metadata(s) {
  const row = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
  const redactions = Object.entries(s.redactions || {});
  return h('dl', {class: 'meta card'},
    row('Session', h('code', {}, s.id)),
    row('User', s.user_email),
    row('Connection', s.connection, ' ', h('span', {class: 'muted'}, '(' + s.connection_type + ')')),
    row('Verb', s.verb),
    row('Started', time(s.started_at)),
    row('Ended', s.ended_at ? time(s.ended_at) : 'still running'),
    row('Status', s.status + (s.exit_code !== null && s.exit_code !== undefined ? ', exit code ' + s.exit_code : '')),
    s.error ? row('Error', h('span', {class: 'mono'}, s.error)) : null,
    row('Events', String(s.event_count)),
    row('Redactions', redactions.length ? redactions.map(([k, n]) => `${k}: ${n}`).join(', ') : 'none'));
}

function downloads(base, s) {
  const formats = [['text', 'Transcript (.txt)', 'txt'], ['jsonl', 'Events (.jsonl)', 'jsonl'], ['csv', 'Events (.csv)', 'csv']];
  if (s.connection_type === 'command-line') formats.push(['asciicast', 'Recording (.cast)', 'cast']);
  if (s.connection_type === 'postgres') formats.push(['timeline', 'Timeline (.json)', 'timeline.json']);
  const problem = h('div');
  return h('section', {class: 'downloads', 'aria-label': 'Downloads'},
    h('div', {class: 'row'}, h('span', {class: 'muted'}, 'Download:'),
      formats.map(([format, label, ext]) => h('button', {type: 'button', class: 'secondary', onClick: async () => {
        problem.replaceChildren();
        try { await download(base + '/download?format=' + format, `session-${s.id}.${ext}`); }
        catch (err) { problem.append(errorBox(err)); }
      }}, label))),
    problem);
}

/** verified / tampered (with what differs) / not sealed, from GET /verify. */
async function verification(base, s, badge, signal) {
  try {
    const v = await get(base + '/verify', {signal});
    if (v.valid) {
      badge.className = 'badge ok';
      badge.textContent = 'Verified';
      badge.title = `${v.events} events sealed, signed by key ${v.signed_by}`;
    } else if (!v.digest) {
      badge.className = 'badge warn';
      badge.textContent = 'Not sealed';
      badge.title = (v.problems || []).join('; ');
    } else {
      badge.className = 'badge bad';
      badge.textContent = 'Tampered';
      badge.after(h('div', {class: 'error problems', role: 'alert'}, 'The recording differs from its seal:',
        h('ul', {}, (v.problems || []).map(p => h('li', {}, p)))));
    }
  } catch (err) {
    if (signal.aborted) return;
    badge.className = 'badge warn';
    badge.textContent = 'Seal unknown';
    badge.title = err.message;
  }
}

/** The events as they are recorded; when the session ends the page shows it again, ended. */
async function live(base, body, {signal, navigate, params}) {
  const list = h('ol', {class: 'live-events', 'aria-label': 'Events'});
  const state = notice('Live: the session is running; events appear as they are recorded.');
  mount(body, h('h2', {}, 'Live events'), state, list);
  try {
    await followEvents(base + '/events?follow=true', ({event, data}) => {
      if (event === 'event') {
        list.append(eventItem(data));
        list.lastChild.scrollIntoView?.({block: 'nearest'});
      } else if (event === 'end') {
        state.replaceWith(notice(`The session ended (${data.status}${data.exit_code !== null && data.exit_code !== undefined ? ', exit code ' + data.exit_code : ''}).`, 'ok'));
        setTimeout(() => { if (!signal.aborted) navigate('/sessions/' + encodeURIComponent(params.id), {replace: true}); }, 3000);
      }
    }, signal);
  } catch (err) {
    if (!signal.aborted) body.append(errorBox(err));
  }
}

const KINDS = {i: 'input', o: 'output', e: 'error', c: 'opened', x: 'closed', w: 'resize', r: 'result'};

function eventItem(e) {
  const data = e.encoding === 'base64' ? `<${Math.floor(e.data.length * 3 / 4)} bytes, not UTF-8>` : e.data;
  return h('li', {class: 'event type-' + e.type},
    h('span', {class: 'mono muted'}, `+${(e.offset_ms / 1000).toFixed(3)}s`), ' ',
    h('span', {class: 'badge'}, (KINDS[e.type] || e.type) + (e.connection ? ' #' + e.connection : '')), ' ',
    h('span', {class: 'mono data'}, data));
}

async function replay(base, body, signal) {
  mount(body, h('h2', {}, 'Replay'), h('p', {class: 'muted'}, 'Loading the recording…'));
  try {
    stylesheet('/vendor/xterm/xterm.css');
    const [{parseCast, player}, cast] = await Promise.all([
      import('../player.js'), get(base + '/download?format=asciicast', {signal})]);
    if (signal.aborted) return;
    const parsed = parseCast(typeof cast === 'string' ? cast : JSON.stringify(cast));
    mount(body, h('h2', {}, 'Replay'), parsed.events.length ? player(parsed, signal) : h('p', {class: 'muted'}, 'The session recorded no output.'));
  } catch (err) {
    if (!signal.aborted) mount(body, h('h2', {}, 'Replay'), errorBox(err));
  }
}

function stylesheet(href) {
  if (!document.querySelector(`link[href="${href}"]`)) document.head.append(h('link', {rel: 'stylesheet', href}));
}

async function timeline(base, body, signal) {
  mount(body, h('h2', {}, 'Statements'), h('p', {class: 'muted'}, 'Loading the timeline…'));
  try {
    const t = await get(base + '/download?format=timeline', {signal});
    const result = st => st.error ? h('span', {class: 'bad-text'}, st.error)
      : st.skipped ? h('span', {class: 'muted'}, st.skipped)
      : st.tag ?? h('span', {class: 'muted'}, 'no answer recorded');
    mount(body, h('h2', {}, 'Statements'),
      table([
        {title: '#', value: st => String(st.statement + 1)},
        {title: 'At', value: st => `+${(st.offset_ms / 1000).toFixed(3)}s`},
        {title: 'Statement', value: st => h('pre', {class: 'sql'}, st.sql)},
        {title: 'Duration', value: st => st.duration_ms === null ? '' : st.duration_ms + ' ms'},
        {title: 'Rows', value: st => st.rows === null ? '' : String(st.rows)},
        {title: 'Result', value: result},
      ], t.statements, {caption: 'Statement timeline', empty: 'The session ran no statement.'}),
      t.errors?.length ? [h('h2', {}, 'Other errors'), h('ul', {}, t.errors.map(e => h('li', {class: 'mono'}, typeof e === 'string' ? e : JSON.stringify(e))))] : null);
  } catch (err) {
    if (!signal.aborted) mount(body, h('h2', {}, 'Statements'), errorBox(err));
  }
}

/** Any other session: its events, a page at a time. */
function events(base, body, detail, signal) {
  const list = h('ol', {class: 'live-events', 'aria-label': 'Events'}, detail.events.map(eventItem));
  const more = h('div');
  let offset = detail.events.length;
  const loadMore = async () => {
    try {
      const page = await get(`${base}/events?events_offset=${offset}&events_limit=${EVENTS_PAGE}`, {signal});
      list.append(...page.events.map(eventItem));
      offset += page.events.length;
      if (offset >= page.events_total) more.replaceChildren();
    } catch (err) {
      if (!signal.aborted) more.replaceChildren(errorBox(err));
    }
  };
  if (offset < detail.events_total) more.append(h('button', {type: 'button', class: 'secondary', onClick: loadMore}, 'More events'));
  mount(body, h('h2', {}, `Events (${detail.events_total})`), list, more);
}
