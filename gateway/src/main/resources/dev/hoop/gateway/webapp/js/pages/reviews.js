// Reviews: what waits for the signed-in approver's decision, and the reviews they asked for.
import {h, mount, field, table, errorBox, time} from '../dom.js';
import {get} from '../api.js';
import {reviewBadge} from './review.js';

const STATUSES = ['', 'PENDING', 'APPROVED', 'PROCESSING', 'EXECUTED', 'REJECTED', 'REVOKED'];

export default async function reviews(main, {query, navigate, user, signal}) {
  const status = h('select', {name: 'status'}, STATUSES.map(s => h('option', {value: s, selected: (query.get('status') ?? '') === s}, s ? s.toLowerCase() : 'any')));
  status.addEventListener('change', () => navigate('/reviews' + (status.value ? '?status=' + status.value : '')));
  const content = h('div', {'aria-live': 'polite'}, h('p', {class: 'muted'}, 'Loading…'));
  mount(main, h('h1', {}, 'Reviews'), h('form', {class: 'row'}, field('Status', status)), content);
  let all;
  try {
    all = await get('/api/reviews' + (status.value ? '?status=' + status.value : ''), {signal});
  } catch (err) {
    if (!signal.aborted) mount(content, errorBox(err));
    return;
  }
  const mine = all.filter(r => r.created_by === user.email);
  const groups = new Set(user.groups || []);
  const toDecide = all.filter(r => r.status === 'PENDING' && r.created_by !== user.email && r.pending_groups.some(g => groups.has(g)));
  const others = all.filter(r => !mine.includes(r) && !toDecide.includes(r));
  mount(content,
    h('h2', {}, 'Waiting for your decision'),
    table(columns(true), toDecide, {empty: 'Nothing waits for your decision.'}),
    h('h2', {}, 'Your requests'),
    table(columns(false), mine, {empty: 'You have asked for no review.'}),
    others.length ? [h('h2', {}, user.is_admin ? 'Other reviews' : 'Other reviews of your groups'), table(columns(true), others)] : null);
}

function columns(withRequester) {
  return [
    {title: 'Review', value: r => h('a', {href: '/reviews/' + encodeURIComponent(r.id), 'aria-label': `Review ${r.id.slice(0, 8)} on ${r.connection}`}, r.id.slice(0, 8))},
    {title: 'Connection', value: r => r.connection},
    {title: 'Kind', value: r => r.type === 'jit' ? `access for ${Math.round(r.duration_sec / 60)} min` : 'one-off script'},
    withRequester ? {title: 'Requested by', value: r => r.created_by} : null,
    {title: 'Status', value: reviewBadge},
    {title: 'Still to decide', value: r => r.pending_groups.join(', ')},
    {title: 'Asked', value: r => time(r.created_at)},
  ].filter(Boolean);
}
