// Replays an asciicast v2 recording (docs/sessions.md) in xterm.js: play/pause, seek, speed, with
// idle time cut to MAX_GAP so a session left open for an hour replays in seconds.
import {h, field} from './dom.js';
import {Terminal} from '../vendor/xterm/xterm.mjs';
import {truecolourStream} from './truecolour.js';
import {xtermStyles} from './xterm-styles.js';

export const MAX_GAP = 2;

/**
 * Parses the cast: the header, and output/resize events on a timeline whose gaps are capped. Output
 * has its 24-bit colours turned into palette colours (js/truecolour.js): the CSP blocks the former.
 */
export function parseCast(text) {
  const lines = text.split('\n').filter(l => l.trim());
  const header = JSON.parse(lines[0] ?? '{}');
  const events = [];
  const colours = truecolourStream();
  let last = 0, at = 0;
  for (const line of lines.slice(1)) {
    const [seconds, type, data] = JSON.parse(line);
    if (type !== 'o' && type !== 'r') continue;
    at += Math.min(Math.max(0, seconds - last), MAX_GAP);
    last = seconds;
    events.push({at, type, data: type === 'o' ? colours.next(data) : data});
  }
  const rest = colours.end();
  const lastOutput = events.findLast(e => e.type === 'o');
  if (rest && lastOutput) lastOutput.data += rest;
  return {width: header.width || 80, height: header.height || 24, events, duration: events.length ? events.at(-1).at : 0};
}

/** The player's element; stops when signal aborts. */
export function player(cast, signal) {
  const screen = h('div', {class: 'terminal', 'aria-label': 'Terminal replay', role: 'region'});
  const stopStyles = xtermStyles(screen);
  const term = new Terminal({cols: cast.width, rows: cast.height, disableStdin: true, convertEol: true, scrollback: 5000,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace', fontSize: 13});
  const playButton = h('button', {type: 'button', class: 'play'}, 'Play');
  // in steps of 0.1 s, the last one at or past the end, so that End (or dragging to the end) shows all
  const seek = h('input', {type: 'range', min: 0, max: Math.max(100, Math.ceil(cast.duration * 10) * 100), step: 100, value: 0, class: 'seek'});
  const speed = h('select', {}, [0.5, 1, 2, 4, 8].map(s => h('option', {value: s, selected: s === 1}, s + '×')));
  const clock = h('span', {class: 'mono clock', role: 'status', 'aria-live': 'off'}, '');
  const state = h('span', {class: 'muted state', role: 'status'}, 'Paused');

  let position = 0;   // seconds on the capped timeline
  let next = 0;       // index of the next event to write
  let timer = null, startedAt = 0, startPos = 0;

  const show = () => {
    clock.textContent = fmt(position) + ' / ' + fmt(cast.duration);
    seek.value = position >= cast.duration ? seek.max : Math.round(position * 1000);
  };
  const apply = e => e.type === 'o' ? term.write(e.data) : resize(term, e.data);
  const pause = (why = 'Paused') => {
    if (timer) cancelAnimationFrame(timer);
    timer = null;
    playButton.textContent = 'Play';
    state.textContent = why;
  };
  const tick = () => {
    position = Math.min(cast.duration, startPos + (performance.now() - startedAt) / 1000 * Number(speed.value));
    while (next < cast.events.length && cast.events[next].at <= position) apply(cast.events[next++]);
    show();
    if (next >= cast.events.length) {
      position = cast.duration;
      show();
      return pause('Ended');
    }
    timer = requestAnimationFrame(tick);
  };
  const play = () => {
    if (next >= cast.events.length) jump(0);
    startedAt = performance.now();
    startPos = position;
    playButton.textContent = 'Pause';
    state.textContent = 'Playing';
    timer = requestAnimationFrame(tick);
  };
  // A seek draws the screen again from the start: everything written up to there, in one write.
  const jump = seconds => {
    term.reset();
    term.resize(cast.width, cast.height);
    let chunk = '';
    next = 0;
    while (next < cast.events.length && cast.events[next].at <= seconds) {
      const e = cast.events[next++];
      if (e.type === 'o') chunk += e.data;
      else { term.write(chunk); chunk = ''; resize(term, e.data); }
    }
    term.write(chunk);
    position = seconds;
    startPos = seconds;
    startedAt = performance.now();
    show();
  };

  playButton.addEventListener('click', () => timer ? pause() : play());
  seek.addEventListener('input', () => jump(Math.min(cast.duration, Number(seek.value) / 1000)));
  speed.addEventListener('change', () => { startPos = position; startedAt = performance.now(); });
  signal.addEventListener('abort', () => { pause(); term.dispose(); stopStyles(); }, {once: true});

  const el = h('div', {class: 'player'},
    screen,
    h('div', {class: 'row controls'}, playButton, field('Position', seek), field('Speed', speed), clock, state),
    h('p', {class: 'muted'}, `Pauses longer than ${MAX_GAP} s are shortened to ${MAX_GAP} s.`));
  requestAnimationFrame(() => { term.open(screen); show(); });
  return el;
}

function resize(term, data) {
  const m = /^(\d+)x(\d+)$/.exec(data);
  if (m) term.resize(Math.min(500, +m[1]), Math.min(500, +m[2]));
}

function fmt(seconds) {
  const s = Math.floor(seconds);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}
