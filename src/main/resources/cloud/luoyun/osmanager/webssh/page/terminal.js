// The web terminal's page: xterm.js (DOM renderer, so the screen text is in the page) connected
// to the server by one WebSocket. Message format: see TerminalProtocol.java and docs/webssh.md.
// The session token lives in sessionStorage (per tab, survives a reload, never in the URL): a
// reload or a dropped connection reattaches to the same shell within the server's grace period.
import { Terminal } from './xterm/lib/xterm.mjs';
import { FitAddon } from './addon-fit/lib/addon-fit.mjs';

const INPUT = 0, RESIZE = 1, ACK = 2, HELLO = 3;           // page -> server
const OUTPUT = 0, SESSION = 1, REPLAY = 2;                  // server -> page
const CLOSE_ENDED = 4001, CLOSE_REPLACED = 4002, CLOSE_TRY_LATER = 1013;
const MAX_INPUT = 16384, ACK_EVERY = 16384;
const TOKEN_KEY = 'osmanager.webssh.token';

const term = new Terminal({ cursorBlink: true, scrollback: 5000, allowProposedApi: false,
  fontFamily: '"DejaVu Sans Mono", "Noto Sans Mono", "Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", monospace' });
const fit = new FitAddon();
term.loadAddon(fit);
term.open(document.getElementById('terminal'));
fit.fit();
term.focus();

const encoder = new TextEncoder();
let ws = null;
let drawn = 0;         // output bytes drawn since the last ACK
let retry = 0;         // reconnect attempts since the last good connection
let stopped = false;   // true after an ending close: wait for Enter before reconnecting

function send(type, payload) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return;
  const message = new Uint8Array(1 + payload.length);
  message[0] = type;
  message.set(payload, 1);
  ws.send(message);
}

function u16u16(a, b) {
  return new Uint8Array([a >> 8, a & 255, b >> 8, b & 255]);
}

function connect() {
  stopped = false;
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  ws = socket;
  socket.onopen = () => {
    retry = 0;
    drawn = 0;
    const token = encoder.encode(sessionStorage.getItem(TOKEN_KEY) || '');
    const hello = new Uint8Array(4 + token.length);
    hello.set(u16u16(term.cols, term.rows), 0);
    hello.set(token, 4);
    send(HELLO, hello);
  };
  socket.onmessage = (event) => {
    const data = new Uint8Array(event.data);
    const body = data.subarray(1);
    switch (data[0]) {
      case OUTPUT: draw(body); break;
      case REPLAY: term.reset(); draw(body); break;
      case SESSION: sessionStorage.setItem(TOKEN_KEY, new TextDecoder().decode(body)); break;
    }
  };
  socket.onclose = (event) => {
    if (ws !== socket) return;
    ws = null;
    if (event.code === CLOSE_ENDED) {
      sessionStorage.removeItem(TOKEN_KEY);
      stop('Press Enter to start a new session.');
    } else if (event.code === CLOSE_REPLACED || event.code === CLOSE_TRY_LATER) {
      stop('Press Enter to reconnect.');
    } else {
      // a dropped connection or a server restart: the session waits for us, come back
      // (the screen is redrawn on reattach, so this note goes away by itself)
      if (retry === 0) term.write('\r\n\x1b[2m[connection lost; reconnecting]\x1b[0m');
      const delay = Math.min(5000, 250 * Math.pow(2, retry++));
      setTimeout(connect, delay);
    }
  };
}

function stop(hint) {
  stopped = true;
  term.write('\r\n\x1b[2m' + hint + '\x1b[0m\r\n');
}

function draw(bytes) {
  const n = bytes.length;
  term.write(bytes, () => {
    drawn += n;
    if (drawn >= ACK_EVERY) {
      const count = drawn;
      drawn = 0;
      send(ACK, new Uint8Array([count >>> 24, (count >>> 16) & 255, (count >>> 8) & 255, count & 255]));
    }
  });
}

term.onData((text) => {
  if (stopped) {
    if (text.includes('\r')) connect();
    return;
  }
  const bytes = encoder.encode(text);
  for (let i = 0; i < bytes.length; i += MAX_INPUT) {
    send(INPUT, bytes.subarray(i, i + MAX_INPUT));
  }
});
term.onBinary((text) => {
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0) & 255);
  if (!stopped && bytes.length) send(INPUT, bytes);
});
term.onResize(({ cols, rows }) => send(RESIZE, u16u16(cols, rows)));

// Copy: Ctrl+Shift+C, or Ctrl+C while text is selected (otherwise Ctrl+C is the interrupt).
// Paste: Ctrl+Shift+V or Ctrl+V let the browser paste into the terminal.
term.attachCustomKeyEventHandler((e) => {
  if (e.type !== 'keydown' || !e.ctrlKey) return true;
  const key = e.key.toLowerCase();
  if (key === 'c' && (e.shiftKey || term.hasSelection())) {
    copy(term.getSelection());
    e.preventDefault();
    return false;
  }
  if (key === 'v') return false;   // the browser's paste event reaches xterm.js
  return true;
});

function copy(text) {
  if (!text) return;
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).catch(() => {});
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try { document.execCommand('copy'); } catch (_) { /* nothing to do */ }
  area.remove();
  term.focus();
}

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => fit.fit(), 50);
});

connect();
