// Sign-in: with a local user (email and password), or through the identity provider (SSO) when the
// gateway runs with AUTH_METHOD=oidc. The provider's answer comes back to /login?token=… (app.js
// keeps the token and clears the URL before this page shows) or /login?error=… (shown here).
import {h, mount, field, errorBox} from '../dom.js';
import {auth, get, post, ssoNonce} from '../api.js';
import {safeNext} from '../routes.js';

export default async function login(main, {query, navigate, signal}) {
  const problem = h('div');
  if (query.get('error')) mount(problem, errorBox({message: 'Single sign-on failed: ' + query.get('error')}));
  let info = {};
  try {
    info = await get('/api/publicserverinfo', {signal});
  } catch (err) {
    mount(problem, errorBox(err));
  }
  const next = safeNext(query.get('next'));
  if (info.auth_method === 'oidc') return sso(main, problem, next, signal);

  const email = h('input', {type: 'email', name: 'email', autocomplete: 'username', required: true});
  const password = h('input', {type: 'password', name: 'password', autocomplete: 'current-password', required: true});
  const submit = h('button', {type: 'submit'}, 'Sign in');
  const form = h('form', {class: 'card narrow'},
    h('h1', {}, 'Sign in to hoop'),
    field('Email', email), field('Password', password), problem, submit);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    mount(problem);
    submit.disabled = true;
    try {
      const answer = await post('/api/localauth/login', {email: email.value, password: password.value});
      password.value = '';
      auth.set(answer.token);
      navigate(next, {replace: true});
    } catch (err) {
      mount(problem, errorBox(err));
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  mount(main, form);
  email.focus();
}

/** SSO: ask the gateway for the provider's login URL, coming back to this page (with where to go next). */
function sso(main, problem, next, signal) {
  const button = h('button', {type: 'button'}, 'Sign in with SSO');
  button.addEventListener('click', async () => {
    mount(problem);
    button.disabled = true;
    try {
      const back = new URL('/login', location.origin);
      if (next !== '/connections') back.searchParams.set('next', next);
      // getRandomValues, not randomUUID: the latter needs https, and a gateway may serve plain http
      const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
      back.searchParams.set('sso', nonce);
      ssoNonce.remember(nonce);
      const answer = await get('/api/login?redirect=' + encodeURIComponent(back.href), {signal});
      location.assign(answer.login_url);
    } catch (err) {
      mount(problem, errorBox(err));
      button.disabled = false;
    }
  });
  mount(main, h('div', {class: 'card narrow'},
    h('h1', {}, 'Sign in to hoop'),
    h('p', {class: 'muted'}, 'This gateway signs you in through your organization\'s identity provider.'),
    problem, button));
  button.focus();
}
