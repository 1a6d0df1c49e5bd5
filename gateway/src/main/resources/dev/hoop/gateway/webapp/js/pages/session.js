// Session — being built (see routes.js for the page contract).
import {h, mount} from '../dom.js';

export default async function page(main) {
  mount(main, h('h1', {}, 'Session'), h('p', {class: 'muted'}, 'This page is not built yet.'));
}
