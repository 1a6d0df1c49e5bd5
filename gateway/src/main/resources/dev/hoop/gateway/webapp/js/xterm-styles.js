// xterm.js sizes and colours its rows with <style> elements it creates and fills. The app's CSP
// (style-src 'self') refuses every one of them, and the browser reports each refusal in the console.
// So while a terminal is shown, a <style> element the page asks for is an inert <template> instead
// (a template is never parsed as CSS, so the CSP has nothing to refuse), and its text is applied as a
// constructed style sheet, which the CSP allows. The app creates no <style> of its own: the CSP
// would refuse it anyway.

const createElement = Document.prototype.createElement;
let terminals = 0;   // shown now; the stand-in is in place while there is at least one

function createWithInertStyles(tag, options) {
  if (String(tag).toLowerCase() !== 'style') return createElement.call(this, tag, options);
  const standIn = createElement.call(this, 'template');
  standIn.dataset.xtermStyle = '';
  return standIn;
}

/** Applies the styles xterm.js writes under root until the answered function is called. */
export function xtermStyles(root) {
  if (terminals++ === 0) document.createElement = createWithInertStyles;
  const sheets = new Map();
  const sync = () => {
    for (const el of root.querySelectorAll('template[data-xterm-style]')) {
      let sheet = sheets.get(el);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheets.set(el, sheet);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      }
      sheet.replaceSync(el.textContent);
    }
  };
  const observer = new MutationObserver(sync);
  observer.observe(root, {childList: true, subtree: true, characterData: true});
  return () => {
    observer.disconnect();
    const mine = new Set(sheets.values());
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter(s => !mine.has(s));
    if (--terminals === 0) delete document.createElement;
  };
}
