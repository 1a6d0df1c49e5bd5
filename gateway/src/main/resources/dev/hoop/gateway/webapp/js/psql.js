// Reads a database session's output (psql's aligned format, as the agent writes it: docs/postgres.md)
// back into tables, so the page can show rows as a table. What is not a table (command tags such as
// "INSERT 0 1", errors, notices) stays text, in order.

const DASHES = /^-+(\+-+)*$/;
const FOOTER = /^\((\d+) rows?\)$/;

/** [{kind: 'table', columns, rows, footer} | {kind: 'text', text}] in the order of the output. */
export function parsePsql(output) {
  const lines = output.replace(/\n$/, '').split('\n');
  const blocks = [];
  let text = [];
  const flushText = () => {
    if (text.some(l => l.trim())) blocks.push({kind: 'text', text: text.join('\n').replace(/^\n+|\s+$/g, '')});
    text = [];
  };
  let i = 0;
  while (i < lines.length) {
    const table = i + 1 < lines.length ? readTable(lines, i) : null;
    if (!table) {
      text.push(lines[i++]);
      continue;
    }
    flushText();
    blocks.push(table.block);
    i = table.next;
  }
  flushText();
  return blocks;
}

/** The table whose header is lines[at], or null when lines[at] is not one. */
function readTable(lines, at) {
  const dash = lines[at + 1];
  if (!DASHES.test(dash) || layout(lines[at]).width !== dash.length) return null;
  const ranges = [];
  let start = 0;
  for (const part of dash.split('+')) {
    ranges.push([start, start + part.length]);
    start += part.length + 1;
  }
  const header = cells(lines[at], ranges);
  if (!header) return null;
  const rows = [];
  let i = at + 2;
  let footer = null;
  let continuing = null;
  for (; i < lines.length; i++) {
    const m = FOOTER.exec(lines[i]);
    if (m && !continuing) {
      footer = lines[i];
      i++;
      break;
    }
    const row = cells(lines[i], ranges);
    if (!row) return null; // not psql's shape after all: show it as text
    if (continuing) {
      row.forEach((c, k) => { continuing.values[k] += continuing.more[k] ? '\n' + c.value : ''; });
      continuing.more = row.map(c => c.more);
    } else {
      continuing = {values: row.map(c => c.value), more: row.map(c => c.more)};
    }
    if (!continuing.more.some(Boolean)) {
      rows.push(continuing.values);
      continuing = null;
    }
  }
  if (continuing || footer === null) return null;
  return {block: {kind: 'table', columns: header.map(c => c.value), rows, footer}, next: i};
}

/** One line cut at the dashes' column boundaries: [{value, more}] (more: the value goes on below). */
function cells(line, ranges) {
  const {chars, width, byColumn} = layout(line);
  const out = [];
  for (let k = 0; k < ranges.length; k++) {
    const [from, to] = ranges[k];
    const last = k === ranges.length - 1;
    if (k > 0 && byColumn.get(from - 1) !== '|') return null;
    if (!last && width < to) return null;
    // [from] a space, then the value, then at [to - 1] '+' when it goes on below (else a space)
    const value = chars.filter(c => c.at > from && c.at < to - 1).map(c => c.ch).join('');
    out.push({value: value.trim(), more: byColumn.get(to - 1) === '+'});
  }
  return out;
}

/** Where each character of a line starts, in terminal columns as psql counts them (the agent's DisplayWidth). */
function layout(line) {
  const chars = [];
  const byColumn = new Map();
  let at = 0;
  for (const ch of line) {
    chars.push({ch, at});
    byColumn.set(at, ch);
    at += columnsOf(ch.codePointAt(0));
  }
  return {chars, width: at, byColumn};
}

const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;

function columnsOf(cp) {
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(String.fromCodePoint(cp)) || (cp >= 0x1160 && cp <= 0x11ff)) return 0;
  const wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f)
    || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe6f)
    || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f)
    || (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x2fffd) || (cp >= 0x30000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}
