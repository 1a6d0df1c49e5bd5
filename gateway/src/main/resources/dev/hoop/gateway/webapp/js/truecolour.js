// 24-bit colours in a recording, made drawable under the app's CSP. xterm.js 6 draws a truecolour
// cell (SGR 38;2;R;G;B, 48;2;R;G;B) with an inline style attribute, which style-src 'self' blocks, but a
// colour of the 256-colour palette with a class (xterm-fg-N, xterm-bg-N), which it allows. So the player
// rewrites every truecolour selection to the nearest palette colour before xterm.js reads it.
// Pure functions, no DOM: the browser tests import this module on its own.

/** The six levels of each channel in the palette's 6×6×6 cube (indices 16–231), as xterm.js builds it. */
const CUBE = [0, 95, 135, 175, 215, 255];
/** An SGR sequence (CSI, 7-bit or 8-bit, parameters, final 'm'); private forms like CSI > 4 m do not match. */
const SGR = /(\x1b\[|\x9b)([0-9;:]*)m/g;
/** The end of a chunk that may be the start of an SGR sequence whose rest is in the next chunk. */
const UNFINISHED = /(?:\x1b(?:\[[0-9;:]*)?|\x9b[0-9;:]*)$/;
/** A real SGR sequence is short; a longer unfinished tail is passed on as is, never held without bound. */
const MAX_HELD = 64;

/**
 * The palette index (16–255) nearest to r, g, b: the cube or the 24 greys (8, 18, … 238). Indices 0–15
 * are left out because the theme decides their colours.
 */
export function nearestPaletteIndex(r, g, b) {
  const level = v => v < 48 ? 0 : v < 115 ? 1 : Math.floor((v - 35) / 40);
  const [cr, cg, cb] = [level(r), level(g), level(b)];
  const cube = 16 + 36 * cr + 6 * cg + cb;
  const grey = Math.min(23, Math.max(0, Math.round(((r + g + b) / 3 - 8) / 10)));
  const greyValue = 8 + 10 * grey;
  const cubeDistance = distance(r, g, b, CUBE[cr], CUBE[cg], CUBE[cb]);
  return distance(r, g, b, greyValue, greyValue, greyValue) < cubeDistance ? 232 + grey : cube;
}

function distance(r1, g1, b1, r2, g2, b2) {
  return (r1 - r2) ** 2 + (g1 - g2) ** 2 + (b1 - b2) ** 2;
}

/** A parameter as xterm.js reads it: empty is 0; clamped to a channel's range. */
function channel(value) {
  const n = Number(value || 0);
  return Number.isFinite(n) ? Math.min(255, Math.max(0, n)) : 0;
}

/**
 * One SGR sequence's parameters with each truecolour selection replaced by a palette one, read the way
 * xterm.js reads them: "38;2;R;G;B" (missing values are 0) becomes "38;5;N", and the colon form
 * "38:2:CS:R:G:B" (ITU T.416, CS the colour space) becomes "38:5:N". Everything else stays as it is.
 */
export function paletteParams(params) {
  const tokens = params.split(';');
  const out = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const code = Number(token);
    if (token.includes(':')) {
      const [selector, mode, , r, g, b] = token.split(':');
      out.push(isColour(Number(selector)) && Number(mode) === 2
        ? `${selector}:5:${nearestPaletteIndex(channel(r), channel(g), channel(b))}` : token);
    } else if (isColour(code) && tokens[i + 1] === '5') {
      out.push(token, '5', ...tokens.slice(i + 2, i + 3));   // already a palette colour: its index is no SGR code
      i += 2;
    } else if (isColour(code) && tokens[i + 1] === '2') {
      const [r, g, b] = tokens.slice(i + 2, i + 5);
      out.push(token, '5', String(nearestPaletteIndex(channel(r), channel(g), channel(b))));
      i += 4;
    } else {
      out.push(token);
    }
  }
  return out.join(';');
}

/** Foreground (38) or background (48): the two colours xterm.js would draw with an inline style. */
function isColour(code) {
  return code === 38 || code === 48;
}

/**
 * A chunk of terminal output with its complete SGR sequences rewritten ({text}), and its unfinished
 * tail ({held}: an escape sequence cut by the end of the chunk) to be put before the next chunk.
 */
export function rewriteTruecolour(chunk) {
  const tail = UNFINISHED.exec(chunk)?.[0] ?? '';
  const held = tail.length <= MAX_HELD ? tail : '';
  const text = chunk.slice(0, chunk.length - held.length).replace(SGR, (_, csi, params) => csi + paletteParams(params) + 'm');
  return {text, held};
}

/**
 * Rewrites a stream of chunks in order, so that a sequence split across two chunks (the recording
 * cuts output where the program's writes ended) is rewritten whole: next(chunk) answers the text to
 * write now, end() what is still held when the stream ends.
 */
export function truecolourStream() {
  let held = '';
  return {
    next(chunk) {
      const result = rewriteTruecolour(held + chunk);
      held = result.held;
      return result.text;
    },
    end() {
      const rest = held;
      held = '';
      return rest;
    },
  };
}
