// Every page of the app: its path (":name" matches one segment), its module (loaded on first
// visit), whether it needs no sign-in or needs an admin, and the navigation entry it belongs to.
// A page module's default export is `async (main, ctx) => {...}`; ctx is
// {params, query, user, navigate, signal}; signal aborts when the user leaves the page (close
// EventSources and timers on it).
export const routes = [
  {path: '/login', page: () => import('./pages/login.js'), public: true, title: 'Sign in'},
  {path: '/connections', page: () => import('./pages/connections.js'), nav: 'connections', title: 'Connections'},
  {path: '/connections/:name', page: () => import('./pages/connection.js'), nav: 'connections', title: 'Connection'},
  {path: '/sessions', page: () => import('./pages/sessions.js'), nav: 'sessions', title: 'Sessions'},
  {path: '/sessions/:id', page: () => import('./pages/session.js'), nav: 'sessions', title: 'Session'},
  {path: '/reviews', page: () => import('./pages/reviews.js'), nav: 'reviews', title: 'Reviews'},
  {path: '/reviews/:id', page: () => import('./pages/review.js'), nav: 'reviews', title: 'Review'},
  {path: '/admin/users', page: () => import('./pages/admin/users.js'), admin: true, nav: 'admin', title: 'Users'},
  {path: '/admin/agents', page: () => import('./pages/admin/agents.js'), admin: true, nav: 'admin', title: 'Agents'},
  {path: '/admin/connections', page: () => import('./pages/admin/connections.js'), admin: true, nav: 'admin', title: 'Manage connections'},
  {path: '/admin/clientkeys', page: () => import('./pages/admin/clientkeys.js'), admin: true, nav: 'admin', title: 'Client keys'},
  {path: '/admin/webhooks', page: () => import('./pages/admin/webhooks.js'), admin: true, nav: 'admin', title: 'Webhooks'},
  {path: '/admin/apikeys', page: () => import('./pages/admin/apikeys.js'), admin: true, nav: 'admin', title: 'API keys'},
];

/** The admin pages' own menu, in this order. */
export const adminMenu = routes.filter(r => r.admin);

export function match(pathname) {
  for (const route of routes) {
    const names = [];
    const pattern = route.path.replace(/:[a-z]+/g, m => { names.push(m.slice(1)); return '([^/]+)'; });
    const found = new RegExp('^' + pattern + '/?$').exec(pathname);
    if (found) {
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1])]));
      return {route, params};
    }
  }
  return null;
}

/** A path inside this app to go to after sign-in: never another site, never back to the sign-in page. */
export function safeNext(next) {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    && !next.startsWith('/login') && !next.startsWith('/callback') ? next : '/connections';
}
