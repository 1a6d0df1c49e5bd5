// Pieces the session pages share: a session's status as a badge, its snippets with the matches marked.
import {h} from './dom.js';

export function statusBadge(s) {
  if (s.status === 'open') return h('span', {class: 'badge warn'}, 'running');
  const failed = s.error || (s.exit_code !== null && s.exit_code !== undefined && s.exit_code !== 0);
  const label = failed ? (s.error ? 'error' : 'exit ' + s.exit_code) : (s.exit_code === 0 ? 'exit 0' : s.status);
  return h('span', {class: 'badge ' + (failed ? 'bad' : 'ok')}, label);
}

/** A search snippet with its [start, end) matches in <mark>, every piece as text. */
export function snippet(sn) {
  const parts = [];
  let at = 0;
  for (const [start, end] of sn.matches || []) {
    if (start < at || end > sn.text.length) continue;
    parts.push(sn.text.slice(at, start), h('mark', {}, sn.text.slice(start, end)));
    at = end;
  }
  parts.push(sn.text.slice(at));
  return h('div', {class: 'snippet'}, h('span', {class: 'muted'}, sn.field + ': '), h('span', {class: 'mono'}, parts));
}
