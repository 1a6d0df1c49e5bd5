// Sign-in with a local user (email and password).
import {h, mount, field, errorBox} from '../dom.js';
import {auth, post} from '../api.js';

export default async function login(main, {query, navigate}) {
  const email = h('input', {type: 'email', name: 'email', autocomplete: 'username', required: true});
  const password = h('input', {type: 'password', name: 'password', autocomplete: 'current-password', required: true});
  const problem = h('div');
  const form = h('form', {class: 'card narrow'},
    h('h1', {}, 'Sign in to hoop'),
    field('Email', email), field('Password', password), problem,
    h('button', {type: 'submit'}, 'Sign in'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    mount(problem);
    try {
      const answer = await post('/api/localauth/login', {email: email.value, password: password.value});
      auth.set(answer.token);
      navigate(safeNext(query.get('next')), {replace: true});
    } catch (err) {
      mount(problem, errorBox(err));
    }
  });
  mount(main, form);
  email.focus();
}

/** Only a path inside this app: never another site after sign-in. */
function safeNext(next) {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/connections';
}
