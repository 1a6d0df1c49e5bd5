// A review: what was asked, each group's decision, approve/reject with a reason for an approver,
// and for the requester of an approved one-off script, running it.
import {h, mount, field, table, errorBox, notice, time} from '../dom.js';
import {get, put, post} from '../api.js';

export function reviewBadge(r) {
  const kind = {PENDING: 'warn', APPROVED: 'ok', EXECUTED: 'ok', PROCESSING: 'warn', REJECTED: 'bad', REVOKED: 'bad'}[r.status] || '';
  return h('span', {class: 'badge ' + kind}, r.status.toLowerCase());
}

export default async function review(main, ctx) {
  const {params, signal} = ctx;
  let r;
  // only an id goes into the API's path: '..' would reach another route
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(params.id)) {
    return mount(main, h('h1', {}, 'Review'), errorBox({message: `review ${params.id} not found`}));
  }
  try {
    r = await get('/api/reviews/' + encodeURIComponent(params.id), {signal});
  } catch (err) {
    return mount(main, h('h1', {}, 'Review'), errorBox(err));
  }
  show(main, r, ctx);
}

function show(main, r, ctx) {
  const {user} = ctx;
  const row = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
  const mineToRun = r.created_by === user.email && r.type === 'onetime' && r.status === 'APPROVED' && !r.session_id;
  mount(main,
    h('div', {class: 'spread'}, h('h1', {}, `Review on ${r.connection}`), reviewBadge(r)),
    h('dl', {class: 'meta card'},
      row('Review', h('code', {}, r.id)),
      row('Kind', r.type === 'jit' ? `access to the connection for ${Math.round(r.duration_sec / 60)} min` : 'a one-off script'),
      row('Requested by', r.created_by),
      row('Asked', time(r.created_at)),
      r.decided_at ? row('Decided', time(r.decided_at)) : null,
      r.expires_at ? row('Access until', time(r.expires_at)) : null,
      r.revoked_by ? row('Revoked', `${r.revoked_by}, ${time(r.revoked_at)}`) : null,
      r.session_id ? row('Session', h('a', {href: '/sessions/' + encodeURIComponent(r.session_id)}, 'the session that ran it')) : null),
    r.type === 'onetime' ? [h('h2', {}, 'Script'), h('pre', {class: 'script'}, r.input ?? '')] : null,
    h('h2', {}, 'Approver groups'),
    table([
      {title: 'Group', value: g => g.name},
      {title: 'Decision', value: g => g.status.toLowerCase()},
      {title: 'By', value: g => g.reviewed_by ?? ''},
      {title: 'When', value: g => time(g.reviewed_at)},
      {title: 'Reason', value: g => g.reason ?? ''},
    ], r.groups),
    r.status === 'PENDING' && (r.created_by !== user.email || user.is_admin || r.pending_groups.some(g => (user.groups || []).includes(g)))
      ? decide(main, r, ctx) : null,
    mineToRun ? runIt(r, ctx) : null);
}

/** Approve or reject; the API refuses what is not allowed (one's own review, a group one is not in) and says why. */
function decide(main, r, ctx) {
  const reason = h('textarea', {name: 'reason', rows: 3, class: 'short'});
  const problem = h('div');
  const send = async status => {
    problem.replaceChildren();
    try {
      show(main, await put('/api/reviews/' + encodeURIComponent(r.id), {status, reason: reason.value}), ctx);
      main.prepend(notice(status === 'APPROVED' ? 'You approved the review.' : 'You rejected the review.', 'ok'));
    } catch (err) {
      problem.append(errorBox(err));
    }
  };
  return h('form', {class: 'card decide', 'aria-label': 'Decision'},
    h('h2', {}, 'Your decision'),
    h('p', {class: 'muted'}, 'Still to decide: ' + r.pending_groups.join(', ')),
    field('Reason (optional; the requester sees it)', reason),
    problem,
    h('div', {class: 'row'},
      h('button', {type: 'button', onClick: () => send('APPROVED')}, 'Approve'),
      h('button', {type: 'button', class: 'danger', onClick: () => send('REJECTED')}, 'Reject')));
}

/** POST /api/sessions with the review's id runs the stored script once (docs/reviews.md). */
function runIt(r, {navigate}) {
  const out = h('div', {'aria-live': 'polite'});
  const button = h('button', {type: 'button'}, 'Run the approved script');
  button.addEventListener('click', async () => {
    button.disabled = true;
    out.replaceChildren(notice('Running…'));
    try {
      const res = await post('/api/sessions', {connection: r.connection, review_id: r.id});
      out.replaceChildren(
        res.exit_code === 0 ? notice('Done, exit code 0.', 'ok') : notice(res.running ? 'Still running.' : `Exit code ${res.exit_code ?? ''} ${res.error ?? ''}`, 'warn'),
        h('pre', {class: 'output', role: 'log', 'aria-label': 'Output'}, res.output ?? ''),
        res.session_id ? h('a', {href: '/sessions/' + encodeURIComponent(res.session_id)}, 'Open the session') : null);
    } catch (err) {
      out.replaceChildren(errorBox(err));
      button.disabled = false;
    }
  });
  return h('section', {class: 'card'}, h('h2', {}, 'Run it'), h('p', {}, 'The review is approved: the stored script runs once.'), button, out);
}
