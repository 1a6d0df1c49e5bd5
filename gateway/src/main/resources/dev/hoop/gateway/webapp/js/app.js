// The app's shell: who is signed in, the navigation bar, and which page shows. Pages live in
// ./pages and are listed in ./routes.js.
import {h, mount, errorBox} from './dom.js';
import {auth, get, ssoNonce} from './api.js';
import {routes, adminMenu, match, safeNext} from './routes.js';

// SSO comes back to /login?token=… (or /callback?token=…, the gateway's default): keep the token,
// and take it out of the address bar and the history before anything renders or loads. Only a
// login this tab started is accepted (its nonce, kept by api.js until now): a link that
// carries someone else's token cannot sign the user into another account.
(function takeTokenFromUrl() {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (!token || !(url.pathname === '/login' || url.pathname === '/callback')) return;
  const expected = ssoNonce.take();
  if (expected && url.searchParams.get('sso') === expected) {
    history.replaceState(null, '', safeNext(url.searchParams.get('next')));
    auth.set(token);
  } else {
    history.replaceState(null, '', '/login?error=' + encodeURIComponent('this sign-in link was not started here; sign in again'));
  }
})();

const top = document.getElementById('top');
const main = document.getElementById('main');
let user = null;          // /api/userinfo of the signed-in user
let leave = null;         // aborts the shown page's work when another one shows

export function navigate(path, {replace = false} = {}) {
  history[replace ? 'replaceState' : 'pushState'](null, '', path);
  show();
}

export function signOut() {
  auth.clear();
  user = null;
  navigate('/login', {replace: true});
}

async function currentUser() {
  if (!auth.token) return null;
  if (!user) {
    try { user = await get('/api/userinfo'); } catch { user = null; }
  }
  return user;
}

function header(active) {
  if (!user) return mount(top);
  const link = (href, label, key) => h('a', {href, 'aria-current': key === active ? 'page' : null}, label);
  mount(top,
    h('a', {href: '/connections', class: 'brand'}, 'hoop'),
    h('nav', {'aria-label': 'Main'},
      link('/connections', 'Connections', 'connections'),
      link('/sessions', 'Sessions', 'sessions'),
      link('/reviews', 'Reviews', 'reviews'),
      user.is_admin ? link(adminMenu[0].path, 'Admin', 'admin') : null),
    h('div', {class: 'who'},
      h('span', {class: 'muted'}, user.email),
      h('button', {type: 'button', class: 'secondary', onClick: signOut}, 'Sign out')));
}

function adminNav(current) {
  return h('nav', {class: 'subnav', 'aria-label': 'Administration'},
    adminMenu.map(r => h('a', {href: r.path, 'aria-current': r.path === current ? 'page' : null}, r.title)));
}

async function show() {
  leave?.abort();
  leave = new AbortController();
  const signal = leave.signal;
  const url = new URL(location.href);
  if (url.pathname === '/') return navigate('/connections', {replace: true});
  if (url.pathname === '/callback') return navigate('/login' + url.search, {replace: true});
  const found = match(url.pathname);
  await currentUser();
  if (!found) {
    header(null);
    return mount(main, h('h1', {}, 'Page not found'), h('p', {}, h('a', {href: '/connections'}, 'Go to the connections')));
  }
  const {route, params} = found;
  if (!route.public && !user) {
    return navigate('/login?next=' + encodeURIComponent(url.pathname + url.search), {replace: true});
  }
  header(route.nav);
  document.title = route.title + ' · hoop';
  if (route.admin && !user?.is_admin) {
    return mount(main, h('h1', {}, 'Administration'), errorBox({message: 'Only admins see this page.'}));
  }
  const root = route.admin ? h('div') : main;
  if (route.admin) mount(main, adminNav(route.path), root);
  try {
    const module = await route.page();
    if (signal.aborted) return;
    await module.default(root, {params, query: url.searchParams, user, navigate, signal, refreshUser: () => { user = null; return currentUser(); }});
  } catch (err) {
    if (!signal.aborted) mount(root, h('h1', {}, route.title), errorBox(err));
  }
  if (!signal.aborted) main.focus({preventScroll: true});
}

// Links inside the app change the page without a reload.
document.addEventListener('click', event => {
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || event.defaultPrevented || event.button !== 0
      || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const href = a.getAttribute('href');
  if (!href.startsWith('/') || href.startsWith('//') || href.startsWith('/api/')) return;
  event.preventDefault();
  navigate(href);
});
window.addEventListener('popstate', show);
window.addEventListener('hoop:signed-out', () => { user = null; if (location.pathname !== '/login') navigate('/login', {replace: true}); });

show();
