// The web terminal's page: xterm.js (DOM renderer, so the screen text is in the page) connected
// to the server by one WebSocket. Message format: see TerminalProtocol.java and docs/webssh.md.
// The session token lives in sessionStorage (per tab, survives a reload, never in the URL): a
// reload or a dropped connection reattaches to the same shell within the server's grace period.
// The header names the host and says how the connection is; on touch or narrow screens a row
// of keys gives what a phone's keyboard lacks. The server fills in <html lang> from the
// browser's Accept-Language; the page's own words follow it, as do the server's messages.
import { Terminal } from './xterm/lib/xterm.mjs';
import { FitAddon } from './addon-fit/lib/addon-fit.mjs';
import { startFiles } from './files.js';

const WORDS = {
  en: {
    terminal: 'Terminal', keys: 'Keys', connecting: 'Connecting…', connected: 'Connected',
    reconnecting: 'Reconnecting…', closed: 'Closed', lost: '[connection lost; reconnecting]',
    newSession: 'Press Enter to start a new session.', reconnect: 'Press Enter to reconnect.',
    esc: 'Escape', ctrl: 'Control (for the next key)', tab: 'Tab',
    left: 'Left arrow', up: 'Up arrow', down: 'Down arrow', right: 'Right arrow',
  },
  zh: {
    terminal: '终端', keys: '按键', connecting: '正在连接…', connected: '已连接',
    reconnecting: '正在重新连接…', closed: '已断开', lost: '[连接中断，正在重新连接]',
    newSession: '按回车键开始新的会话。', reconnect: '按回车键重新连接。',
    esc: 'Esc 键', ctrl: 'Ctrl 键（作用于下一个键）', tab: 'Tab 键',
    left: '左方向键', up: '上方向键', down: '下方向键', right: '右方向键',
  },
};
const T = WORDS[document.documentElement.lang.startsWith('zh') ? 'zh' : 'en'];
const SIGNS = { connecting: '○', connected: '●', reconnecting: '↻', closed: '✕' };

const INPUT = 0, RESIZE = 1, ACK = 2, HELLO = 3;           // page -> server
const OUTPUT = 0, SESSION = 1, REPLAY = 2;                  // server -> page
const CLOSE_ENDED = 4001, CLOSE_REPLACED = 4002, CLOSE_TRY_LATER = 1013;
const MAX_INPUT = 16384, ACK_EVERY = 16384;
const TOKEN_KEY = 'osmanager.webssh.token';

const term = new Terminal({ cursorBlink: true, scrollback: 5000, allowProposedApi: false,
  fontFamily: '"DejaVu Sans Mono", "Noto Sans Mono", "Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", monospace' });
const fit = new FitAddon();
term.loadAddon(fit);
const screen = document.getElementById('terminal');
screen.setAttribute('aria-label', T.terminal);
term.open(screen);
fit.fit();
term.focus();

const host = document.getElementById('host').textContent;
const stateBox = document.getElementById('state');
function showState(state) {
  stateBox.dataset.state = state;
  stateBox.querySelector('.sign').textContent = SIGNS[state];
  document.getElementById('state-words').textContent = T[state];
  document.title = host + ' — ' + T.terminal + ' (' + T[state] + ')';
}
showState('connecting');

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
  showState(retry === 0 ? 'connecting' : 'reconnecting');
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  ws = socket;
  socket.onopen = () => {
    retry = 0;
    drawn = 0;
    showState('connected');
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
      case SESSION: {
        const token = new TextDecoder().decode(body);
        if (token !== sessionStorage.getItem(TOKEN_KEY)) {
          sessionStorage.setItem(TOKEN_KEY, token);
          files.sessionChanged();   // a new session: the Files panel follows its logins
        }
        break;
      }
    }
  };
  socket.onclose = (event) => {
    if (ws !== socket) return;
    ws = null;
    if (event.code === CLOSE_ENDED) {
      sessionStorage.removeItem(TOKEN_KEY);
      stop(T.newSession);
    } else if (event.code === CLOSE_REPLACED || event.code === CLOSE_TRY_LATER) {
      stop(T.reconnect);
    } else {
      // a dropped connection or a server restart: the session waits for us, come back
      // (the screen is redrawn on reattach, so this note goes away by itself)
      if (retry === 0) term.write('\r\n\x1b[2m' + T.lost + '\x1b[0m');
      showState('reconnecting');
      const delay = Math.min(5000, 250 * Math.pow(2, retry++));
      setTimeout(connect, delay);
    }
  };
}

function stop(hint) {
  stopped = true;
  showState('closed');
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
  if (ctrl) {
    text = withCtrl(text);
    setCtrl(false);
  }
  type(text);
});

/** Sends what was typed, tapped or pasted; after an ending close, Enter starts again. */
function type(text) {
  if (stopped) {
    if (text.includes('\r')) connect();
    return;
  }
  const bytes = encoder.encode(text);
  for (let i = 0; i < bytes.length; i += MAX_INPUT) {
    send(INPUT, bytes.subarray(i, i + MAX_INPUT));
  }
}
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

// The key row. Ctrl is sticky: tapped, it applies to the next key (from the row or the phone's
// keyboard), as on a hardware keyboard where it is held. A tap must not take the focus from the
// terminal (the phone's keyboard would close): the key acts on pointerdown, whose default
// (focusing the button) is prevented; Enter or Space on a focused button acts on click.
const keys = document.getElementById('keys');
keys.setAttribute('aria-label', T.keys);
const ctrlButton = keys.querySelector('[data-key="ctrl"]');
let ctrl = false;

function setCtrl(on) {
  ctrl = on;
  ctrlButton.setAttribute('aria-pressed', String(on));
}

/** A key with Ctrl held, as a terminal sends it: Ctrl-C is 0x03, Ctrl-[ is Esc, Ctrl-? is DEL. */
function withCtrl(text) {
  if (text.length !== 1) return text;
  if (text === ' ') return '\x00';
  if (text === '?') return '\x7f';
  const code = text.toUpperCase().charCodeAt(0);
  return code >= 64 && code <= 95 ? String.fromCharCode(code - 64) : text;
}

function arrow(letter) {
  if (ctrl) return '\x1b[1;5' + letter;                       // Ctrl-arrow: a word at a time
  return (term.modes.applicationCursorKeysMode ? '\x1bO' : '\x1b[') + letter;
}

function press(key) {
  if (key === 'ctrl') {
    setCtrl(!ctrl);
  } else {
    const text = { esc: '\x1b', tab: '\t', up: arrow('A'), down: arrow('B'), right: arrow('C'), left: arrow('D') }[key];
    setCtrl(false);
    type(text);
  }
  term.focus();
}

for (const button of keys.querySelectorAll('button')) {
  button.setAttribute('aria-label', T[button.dataset.key]);
  button.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    press(button.dataset.key);
  });
  button.addEventListener('click', (e) => {
    if (e.detail === 0) press(button.dataset.key);   // from the keyboard, not a pointer
  });
}

// The terminal fills what the header and the key row leave, also when a phone's keyboard
// takes part of the screen (visualViewport: browsers that overlay the keyboard).
let resizeTimer = null;
new ResizeObserver(() => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => fit.fit(), 50);
}).observe(document.getElementById('screen'));
if (window.visualViewport) {
  window.visualViewport.addEventListener('resize', () => {
    document.body.style.height = window.visualViewport.height + 'px';
  });
}

const files = startFiles({ token: () => sessionStorage.getItem(TOKEN_KEY), focusTerminal: () => term.focus() });
connect();
