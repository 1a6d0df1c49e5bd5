// Sessions: the audit trail, listed with filters or found with the search language (docs/search.md),
// a page at a time. The filters and the page live in the address, so back and reload keep them.
import {h, mount, field, table, errorBox, time} from '../dom.js';
import {get} from '../api.js';
import {statusBadge, snippet} from '../sessions-view.js';

const LIMIT = 50;
const FILTERS = ['connection', 'user', 'verb', 'start_date', 'end_date'];

export default async function sessions(main, {query, navigate, user, signal}) {
  const q = h('input', {type: 'search', name: 'q', value: query.get('q') ?? '', class: 'wide',
    placeholder: 'e.g. connection:pg "drop table" is:error after:2026-11-01'});
  const inputs = {
    connection: h('input', {name: 'connection', value: query.get('connection') ?? ''}),
    user: h('input', {name: 'user', type: 'email', value: query.get('user') ?? ''}),
    verb: h('select', {name: 'verb'}, ['', 'connect', 'exec'].map(v => h('option', {value: v, selected: query.get('verb') === v}, v || 'any'))),
    start_date: h('input', {name: 'start_date', type: 'date', value: query.get('start_date') ?? ''}),
    end_date: h('input', {name: 'end_date', type: 'date', value: query.get('end_date') ?? ''}),
  };
  const form = h('form', {class: 'card filters', role: 'search', 'aria-label': 'Sessions'},
    field('Search', q, 'Words, "phrases" and qualifiers: connection: user: verb: type: is:error is:open exit: after: before: id:'),
    h('div', {class: 'filter-row'},
      field('Connection', inputs.connection),
      user.is_admin ? field('User', inputs.user) : null,
      field('Verb', inputs.verb),
      field('From', inputs.start_date),
      field('To', inputs.end_date)),
    h('div', {class: 'row'},
      h('button', {type: 'submit'}, 'Search'),
      h('button', {type: 'button', class: 'secondary', onClick: () => navigate('/sessions')}, 'Clear')));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (q.value.trim()) next.set('q', q.value.trim());
    for (const name of FILTERS) if (inputs[name].value) next.set(name, inputs[name].value);
    navigate('/sessions' + (next.size ? '?' + next : ''));
  });
  const results = h('div', {'aria-live': 'polite'}, h('p', {class: 'muted'}, 'Loading…'));
  mount(main, h('h1', {}, 'Sessions'), form, results);

  const offset = Math.max(0, parseInt(query.get('offset') ?? '0', 10) || 0);
  let page;
  try {
    page = await get('/api/sessions?' + apiQuery(query, offset), {signal});
  } catch (err) {
    if (!signal.aborted) mount(results, errorBox(err));
    return;
  }
  const searching = query.has('q');
  mount(results,
    h('p', {class: 'muted'}, page.data.length
      ? `Sessions ${offset + 1}–${offset + page.data.length}` + (searching ? (hasWords(query.get('q')) ? ', best matches first' : ', newest first') : ', newest first')
      : ''),
    table(columns(searching), page.data, {caption: searching ? 'Search results' : 'Sessions', empty: 'No session matches.'}),
    pager(query, offset, page.has_next_page));
}

/**
 * The API's query: q= cannot be combined with the listing filters, so with a search the filters are
 * written as its qualifiers (the same meaning: To is inclusive, before: is not).
 */
function apiQuery(query, offset) {
  const out = new URLSearchParams({limit: LIMIT, offset});
  if (!query.has('q')) {
    for (const name of FILTERS) if (query.get(name)) out.set(name, query.get(name));
    return out;
  }
  const terms = [query.get('q')];
  const quote = v => /[\s"]/.test(v) ? '"' + v.replaceAll('"', '') + '"' : v;
  if (query.get('connection')) terms.push('connection:' + quote(query.get('connection')));
  if (query.get('user')) terms.push('user:' + quote(query.get('user')));
  if (query.get('verb')) terms.push('verb:' + query.get('verb'));
  if (query.get('start_date')) terms.push('after:' + query.get('start_date'));
  if (query.get('end_date')) terms.push('before:' + nextDay(query.get('end_date')));
  out.set('q', terms.join(' '));
  return out;
}

function nextDay(date) {
  const d = new Date(date + 'T00:00:00Z');
  if (isNaN(d)) return date; // the API names what is wrong with it
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function hasWords(q) {
  return q.split(/\s+/).some(t => t && !/^-?[a-z]+:/.test(t));
}

function columns(searching) {
  const cols = [
    {title: 'Started', value: s => h('a', {href: '/sessions/' + encodeURIComponent(s.id)}, time(s.started_at))},
    {title: 'User', value: s => s.user_email},
    {title: 'Connection', value: s => [s.connection, h('div', {class: 'muted'}, s.connection_type)]},
    {title: 'Verb', value: s => s.verb},
    {title: 'Status', value: statusBadge},
    {title: 'Events', value: s => String(s.event_count)},
  ];
  if (searching) cols.push({title: 'Match', value: s => (s.snippets || []).map(snippet)});
  return cols;
}

function pager(query, offset, more) {
  const link = (to, label, rel) => {
    const next = new URLSearchParams(query);
    if (to > 0) next.set('offset', to); else next.delete('offset');
    return h('a', {href: '/sessions' + (next.size ? '?' + next : ''), class: 'btn secondary', rel}, label);
  };
  if (offset === 0 && !more) return null;
  return h('nav', {class: 'row pager', 'aria-label': 'Pages'},
    offset > 0 ? link(Math.max(0, offset - LIMIT), 'Previous page', 'prev') : null,
    more ? link(offset + LIMIT, 'Next page', 'next') : null);
}
