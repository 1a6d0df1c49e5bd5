// Reading what the API streams or hands out as files, with the Authorization header that
// EventSource and plain download links cannot send.
import {api, auth, ApiError} from './api.js';

/**
 * Follows a Server-Sent Events stream: calls onEvent({event, id, data}) for each event until the
 * stream ends or signal aborts. The data of each event is one line of JSON (docs/sessions.md), parsed.
 */
export async function followEvents(path, onEvent, signal) {
  const headers = {Accept: 'text/event-stream'};
  if (auth.token) headers.Authorization = 'Bearer ' + auth.token;
  const res = await fetch(path, {headers, signal});
  if (!res.ok) {
    let message = '';
    try { message = (await res.json()).message; } catch { /* not JSON */ }
    throw new ApiError(res.status, message || `GET ${path}: HTTP ${res.status}`);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  signal?.addEventListener('abort', () => reader.cancel().catch(() => {}), {once: true});
  let buffer = '';
  let current = {event: 'message', id: null, data: []};
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += value;
    let nl;
    while ((nl = buffer.search(/\r\n|\n|\r/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (current.data.length) onEvent({event: current.event, id: current.id, data: parse(current.data.join('\n'))});
        current = {event: 'message', id: null, data: []};
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'event') current.event = value;
        else if (name === 'id') current.id = value;
        else if (name === 'data') current.data.push(value);
      }
    }
  }
}

function parse(text) {
  try { return JSON.parse(text); } catch { return text; }
}

/** Fetches a file from the API and hands it to the browser as a download (nothing is stored). */
export async function download(path, fallbackName) {
  const res = await api('GET', path, undefined, {raw: true});
  const disposition = res.headers.get('content-disposition') || '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] || fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
