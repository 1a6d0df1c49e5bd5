// Webhooks (docs/webhooks.md): create (the signing secret shown once), enable/disable, delete, and
// each endpoint's delivery log.
import {h, mount, field, table, errorBox, time} from '../../dom.js';
import {get, post, put, del, seg} from '../../api.js';
import {secretOnce} from '../../secret.js';
import {confirmButton} from '../../confirm.js';

const EVENTS = ['session.open', 'session.close', 'review.created', 'review.decided'];

export default async function webhooks(main, {signal}) {
  const name = h('input', {name: 'name', required: true, autocomplete: 'off'});
  const url = h('input', {name: 'url', type: 'url', required: true, placeholder: 'https://…', class: 'wide'});
  const boxes = EVENTS.map(e => h('input', {type: 'checkbox', name: 'events', value: e, id: 'ev-' + e.replace('.', '-')}));
  const shown = h('div');
  const problem = h('div');
  const list = h('div', {'aria-live': 'polite'});
  const log = h('div');
  const form = h('form', {class: 'card'},
    h('h2', {}, 'New webhook'),
    field('Name', name), field('URL', url, 'The gateway POSTs each event there, signed with the secret.'),
    h('fieldset', {class: 'checks'}, h('legend', {}, 'Events (none checked: all)'),
      boxes.map(b => h('label', {for: b.id, class: 'check'}, b, ' ', b.value))),
    problem, h('button', {type: 'submit'}, 'Create webhook'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    problem.replaceChildren();
    try {
      const w = await post('/api/webhooks', {name: name.value.trim(), url: url.value.trim(), events: boxes.filter(b => b.checked).map(b => b.value)});
      name.value = url.value = '';
      boxes.forEach(b => { b.checked = false; });
      mount(shown, secretOnce(`Webhook ${w.name}: its signing secret`, w.secret, 'Copy it now: it is shown only this once. Receivers check each delivery\'s signature with it.'));
      await refresh();
    } catch (err) { problem.append(errorBox(err)); }
  });
  const act = async fn => {
    shown.replaceChildren();
    try { await fn(); await refresh(); } catch (err) { mount(shown, errorBox(err)); }
  };
  const refresh = async () => {
    const hooks = await get('/api/webhooks', {signal});
    mount(list, table([
      {title: 'Name', value: w => w.name},
      {title: 'URL', value: w => h('span', {class: 'mono'}, w.url)},
      {title: 'Events', value: w => w.events.length ? w.events.join(', ') : 'all'},
      {title: 'State', value: w => h('span', {class: 'badge ' + (w.enabled ? 'ok' : 'bad')}, w.enabled ? 'enabled' : 'disabled')},
      {title: 'Actions', value: w => h('div', {class: 'row actions'},
        h('button', {type: 'button', class: 'secondary', 'aria-label': 'Deliveries of ' + w.name, onClick: () => deliveries(w, log, signal)}, 'Deliveries'),
        h('button', {type: 'button', class: 'secondary', 'aria-label': (w.enabled ? 'Disable ' : 'Enable ') + w.name,
          onClick: () => act(() => put('/api/webhooks/' + seg(w.name), {enabled: !w.enabled}))}, w.enabled ? 'Disable' : 'Enable'),
        confirmButton('Delete', `Delete ${w.name}?`, () => act(() => del('/api/webhooks/' + seg(w.name)))))},
    ], hooks, {caption: 'Webhooks', empty: 'No webhook yet.'}));
  };
  mount(main, h('h1', {}, 'Webhooks'), form, shown, list, log);
  try { await refresh(); } catch (err) { if (!signal.aborted) mount(list, errorBox(err)); }
}

async function deliveries(w, log, signal) {
  mount(log, h('h2', {}, `Deliveries of ${w.name}`), h('p', {class: 'muted'}, 'Loading…'));
  try {
    const rows = await get('/api/webhooks/' + seg(w.name) + '/deliveries?limit=50', {signal});
    mount(log, h('h2', {}, `Deliveries of ${w.name}`), table([
      {title: 'Event', value: d => d.event_type},
      {title: 'Message', value: d => h('code', {}, d.msg_id)},
      {title: 'State', value: d => h('span', {class: 'badge ' + ({delivered: 'ok', failed: 'bad'}[d.status] || 'warn')}, d.status)},
      {title: 'Attempts', value: d => String(d.attempts)},
      {title: 'Last answer', value: d => d.last_error ? h('span', {class: 'mono'}, d.last_error) : (d.last_status ?? '')},
      {title: 'Created', value: d => time(d.created_at)},
      {title: 'Next attempt', value: d => time(d.next_attempt_at)},
      {title: 'Delivered', value: d => time(d.delivered_at)},
    ], rows, {caption: 'The latest deliveries, newest first', empty: 'Nothing was sent to this endpoint yet.'}));
  } catch (err) {
    if (!signal.aborted) mount(log, errorBox(err));
  }
}
