// Connections the user may use: type, agent and whether the agent is online, filtered as one types.
import {h, mount, field, table, errorBox} from '../dom.js';
import {get, seg} from '../api.js';

export default async function connections(main, {signal}) {
  mount(main, h('h1', {}, 'Connections'), h('p', {class: 'muted'}, 'Loading…'));
  let all;
  try {
    all = await get('/api/connections', {signal});
  } catch (err) {
    return mount(main, h('h1', {}, 'Connections'), errorBox(err));
  }
  const search = h('input', {type: 'search', name: 'q', autocomplete: 'off', placeholder: 'name, type or agent'});
  const count = h('p', {class: 'muted', role: 'status'});
  const list = h('div');
  const render = () => {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = all.filter(c => words.every(w =>
      [c.name, c.type, c.subtype, c.agent_name].some(v => (v ?? '').toLowerCase().includes(w))));
    count.textContent = words.length ? `${shown.length} of ${all.length} connections` : `${all.length} connections`;
    mount(list, table([
      {title: 'Name', value: c => h('a', {href: '/connections/' + seg(c.name)}, c.name)},
      {title: 'Type', value: c => c.subtype ? `${c.type} (${c.subtype})` : c.type},
      {title: 'Agent', value: c => c.agent_name ?? ''},
      {title: 'Agent status', value: c => agentBadge(c.agent_status)},
    ], shown, {caption: 'Connections you may use', empty: all.length ? 'No connection matches the search.' : 'No connection yet: an admin creates them.'}));
  };
  search.addEventListener('input', render);
  mount(main, h('h1', {}, 'Connections'), h('div', {class: 'search'}, field('Search connections', search)), count, list);
  render();
}

export function agentBadge(status) {
  if (!status) return '';
  return h('span', {class: 'badge ' + (status === 'CONNECTED' ? 'ok' : 'bad')}, status === 'CONNECTED' ? 'online' : 'offline');
}
