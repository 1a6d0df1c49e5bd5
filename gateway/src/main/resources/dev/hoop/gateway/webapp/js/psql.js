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
    if (text.some(l => l.trim())) blocks.push({kind: 'text', text: text.join('\n').trim()});
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
  if (!DASHES.test(dash) || Array.from(lines[at]).length !== dash.length) return null;
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
  const chars = Array.from(line);
  const out = [];
  for (let k = 0; k < ranges.length; k++) {
    const [from, to] = ranges[k];
    const last = k === ranges.length - 1;
    if (k > 0 && chars[from - 1] !== '|') return null;
    if (!last && chars.length < to) return null;
    const segment = chars.slice(from, last ? undefined : to);
    const marker = segment.length >= to - from ? segment[to - from - 1] : ' ';
    out.push({value: segment.slice(1, to - from - 1).join('').trim(), more: marker === '+'});
  }
  return out;
}
