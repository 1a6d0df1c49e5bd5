// The REST API, as every page calls it. The access token is the only thing kept in the browser's
// storage (localStorage, so a reload keeps the user signed in); it travels in the Authorization
// header, never in a URL.
const TOKEN = 'hoop.token';
/** sessionStorage: the nonce of the SSO login this tab started (not a secret; app.js checks it on return). */
const SSO_NONCE = 'hoop.sso';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const auth = {
  get token() { return localStorage.getItem(TOKEN); },
  set(token) { localStorage.setItem(TOKEN, token); },
  clear() { localStorage.removeItem(TOKEN); },
};

/** The SSO login this tab started: remembered until the provider sends the browser back, then taken once. */
export const ssoNonce = {
  remember(nonce) { sessionStorage.setItem(SSO_NONCE, nonce); },
  take() {
    const nonce = sessionStorage.getItem(SSO_NONCE);
    sessionStorage.removeItem(SSO_NONCE);
    return nonce;
  },
};

/** Calls the API; answers parsed JSON (or text), throws ApiError with the API's message. */
export async function api(method, path, body, {signal, raw = false} = {}) {
  const headers = {Accept: 'application/json'};
  if (auth.token) headers.Authorization = 'Bearer ' + auth.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body)});
  if (res.status === 401 && !path.startsWith('/api/localauth/')) {
    auth.clear();
    window.dispatchEvent(new CustomEvent('hoop:signed-out'));
  }
  if (!res.ok) {
    let message = '';
    try { message = (await res.json()).message; } catch { /* not JSON */ }
    throw new ApiError(res.status, message || `${method} ${path}: HTTP ${res.status}`);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  return (res.headers.get('content-type') || '').includes('json') ? res.json() : res.text();
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body ?? {}, opts);
export const put = (path, body, opts) => api('PUT', path, body ?? {}, opts);
export const del = (path, opts) => api('DELETE', path, undefined, opts);

/** Encodes one path segment (a connection's or a user's name). */
export const seg = value => encodeURIComponent(value);
