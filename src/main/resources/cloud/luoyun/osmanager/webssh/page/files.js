// The Files panel: the logged-in user's folders over the files socket (/files, format in
// FilesProtocol.java and docs/webssh.md), beside the terminal's socket so that transfers never
// queue in front of keystrokes. Uploads read the file a chunk at a time (File.slice: never the
// whole file in memory) and keep at most WINDOW bytes sent and not yet reported written by the
// server; downloads go through the browser's own download manager with a single-use ticket.
// Both languages follow <html lang>, as the terminal's words do. The panel follows the terminal's
// login: the server says when there is none ('login') and when one began ('ready'), and the panel
// shows that login's home by itself; files dropped while no one is logged in are refused.

const WORDS = {
  en: {
    files: 'Files', close: 'Close', up: 'Up', refresh: 'Refresh', upload: 'Upload…', name: 'Name', size: 'Size',
    time: 'Modified', actions: 'Actions', download: 'Download', downloadOf: 'Download %s', open: 'Open folder %s',
    folder: 'folder', link: 'link', cancel: 'Cancel', remove: 'Remove',
    exists: '%s already exists in this folder.', replace: 'Replace', keep: 'Keep both', skip: 'Skip',
    forAll: 'Do this for all', waiting: 'waiting', done: 'done', skipped: 'skipped', cancelled: 'cancelled',
    failed: 'failed', connecting: 'Connecting…', dropHint: 'Drop files on the terminal or here to upload them into this folder.',
    uploadOff: 'Uploads are turned off on this instance.', downloadOff: 'Downloads are turned off on this instance.',
    lost: 'The files connection dropped.', empty: 'This folder is empty.', path: 'Folder path',
    transfers: 'Transfers', home: 'home', loginFirst: 'Log in at the terminal first; nothing was uploaded.',
  },
  zh: {
    files: '文件', close: '关闭', up: '上一级', refresh: '刷新', upload: '上传…', name: '名称', size: '大小',
    time: '修改时间', actions: '操作', download: '下载', downloadOf: '下载 %s', open: '打开文件夹 %s',
    folder: '文件夹', link: '链接', cancel: '取消', remove: '移除',
    exists: '这个文件夹中已有 %s。', replace: '替换', keep: '保留两者', skip: '跳过',
    forAll: '对所有文件都这样做', waiting: '等待中', done: '完成', skipped: '已跳过', cancelled: '已取消',
    failed: '失败', connecting: '正在连接…', dropHint: '把文件拖放到终端或这里，即可上传到这个文件夹。',
    uploadOff: '此实例已关闭上传。', downloadOff: '此实例已关闭下载。',
    lost: '文件连接已中断。', empty: '这个文件夹是空的。', path: '文件夹路径',
    transfers: '传输', home: '主目录', loginFirst: '请先在终端登录；未上传任何文件。',
  },
};
const LANG = document.documentElement.lang.startsWith('zh') ? 'zh' : 'en';
const T = WORDS[LANG];
const CHUNK = 256 * 1024;           // FilesProtocol.MAX_CHUNK
const WINDOW = 16 * CHUNK;          // FilesProtocol.WINDOW

const $ = (id) => document.getElementById(id);
const say = (pattern, arg) => pattern.replace('%s', arg);

export function startFiles({ token, focusTerminal }) {
  const panel = $('files');
  const opener = $('files-open');
  const note = $('files-note');
  const list = $('files-list').querySelector('tbody');
  const transfers = $('files-transfers');
  const pick = $('files-pick');
  let ws = null;
  let ready = null;       // the server's ready message: home, user, upload, download
  let noLogin = false;    // the server said no one is logged in at the terminal
  let uploadsOn = true;   // as the last ready said: whether this instance takes uploads at all
  let held = [];          // files dropped or picked before the server said whether anyone is logged in
  let cwd = null;
  let waiters = [];       // resolvers of the upload's next message
  let queue = [];         // uploads waiting: {file, row}
  let current = null;     // the upload under way
  let forAll = null;      // the overwrite answer chosen "for all" in this batch

  opener.textContent = T.files;
  $('files-title').textContent = T.files;
  $('files-close').textContent = T.close;
  $('files-up').textContent = '↑ ' + T.up;
  $('files-refresh').textContent = '↻ ' + T.refresh;
  $('files-pick-words').textContent = T.upload;
  $('files-h-name').textContent = T.name;
  $('files-h-size').textContent = T.size;
  $('files-h-time').textContent = T.time;
  $('files-h-act').textContent = T.actions;
  $('files-path').setAttribute('aria-label', T.path);
  transfers.setAttribute('aria-label', T.transfers);
  $('files-drop-hint').textContent = T.dropHint;
  $('files-ask-all-words').textContent = T.forAll;
  for (const b of $('files-ask').querySelectorAll('button')) b.textContent = T[b.dataset.answer];

  function show(open) {
    panel.hidden = !open;
    opener.setAttribute('aria-expanded', String(open));
    window.dispatchEvent(new Event('resize'));
    if (open) {
      connect();
      $('files-close').focus();
    } else {
      focusTerminal();
    }
  }
  opener.addEventListener('click', () => show(panel.hidden));
  $('files-close').addEventListener('click', () => show(false));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && $('files-ask').hidden) show(false);
  });

  function tell(text, kind) {
    note.textContent = text || '';
    note.dataset.kind = kind || 'info';
  }

  function connect() {
    if (ws) return;
    tell(T.connecting);
    const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/files');
    ws = socket;
    socket.onopen = () => socket.send(JSON.stringify({ op: 'hello', token: token() || '' }));
    socket.onmessage = (event) => {
      if (ws === socket && typeof event.data === 'string') received(JSON.parse(event.data));
    };
    socket.onclose = () => {
      if (ws !== socket) return;
      ws = null;
      const wasReady = ready;
      ready = null;
      noLogin = false;
      held = [];
      if (current) deliver({ t: 'error', op: 'upload', text: T.lost });
      if (wasReady) tell(T.lost, 'error');
    };
  }

  /** The terminal has a new session (the last one closed): follow that one. */
  function sessionChanged() {
    const old = ws;
    ws = null;
    ready = null;
    noLogin = false;
    cwd = null;
    if (current) deliver({ t: 'error', op: 'upload', text: T.lost });
    if (old) old.close();
    if (!panel.hidden) connect();
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  function received(m) {
    switch (m.t) {
      case 'ready': {
        ready = m;
        noLogin = false;
        const off = [];
        if (!m.upload) off.push(T.uploadOff);
        if (!m.download) off.push(T.downloadOff);
        tell(off.join(' '));
        uploadsOn = m.upload;
        uploadsPossible(m.upload);
        go(cwd || m.home);
        const early = held;
        held = [];
        enqueue(early);
        pump();
        break;
      }
      case 'login': {     // no one is logged in (yet, or any more): the socket stays and follows the login
        const dropped = held.length > 0;
        uploadsOn = m.upload; // an instance that takes no uploads shows no upload control, before a login too
        forget(m.text);
        noLogin = true;
        if (dropped) tell(T.loginFirst, 'error');
        break;
      }
      case 'denied': forget(m.text, 'error'); break;   // and the socket closes
      case 'list': showList(m); break;
      case 'ticket': fetchFile(m.url); break;
      case 'error':
        if (m.op === 'upload') deliver(m); else tell(m.text, 'error');
        break;
      default: deliver(m);   // exists, go, written, done, skipped, cancelled: the upload's
    }
  }

  /** The login shown is gone (or there was none): nothing of it stays, nothing more is uploaded. */
  function forget(text, kind) {
    ready = null;
    cwd = null;
    $('files-path').replaceChildren();
    list.replaceChildren();
    $('files-up').disabled = true;
    uploadsPossible(false, uploadsOn);
    for (const u of queue) finishRow(u.row, 'failed', text);
    queue = [];
    held = [];
    tell(text, kind);
  }

  /** The upload controls: usable when {@code possible}, else disabled, or hidden unless {@code shown}. */
  function uploadsPossible(possible, shown) {
    $('files-pick-label').hidden = !(possible || shown);
    $('files-drop-hint').hidden = !(possible || shown);
    pick.disabled = !possible;
    $('files-pick-label').setAttribute('aria-disabled', String(!possible));
  }

  function go(path) {
    send({ op: 'list', path });
  }
  $('files-refresh').addEventListener('click', () => {
    if (!ws) connect(); else if (cwd) go(cwd);
  });
  $('files-up').addEventListener('click', () => {
    if (cwd && cwd !== '/') go(cwd.replace(/\/[^/]*\/?$/, '') || '/');
  });

  function showList(m) {
    cwd = m.path;
    $('files-up').disabled = m.parent === null;
    if (note.dataset.kind === 'error') tell('');
    const nav = $('files-path');
    nav.replaceChildren();
    const parts = m.path.split('/').filter(Boolean);
    const crumb = (label, path) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.addEventListener('click', () => go(path));
      nav.append(b);
    };
    crumb('/', '/');
    parts.forEach((p, i) => crumb(p + '/', '/' + parts.slice(0, i + 1).join('/')));
    if (nav.lastChild) nav.lastChild.setAttribute('aria-current', 'location');
    const entries = m.entries.slice().sort((a, b) =>
      (a.target === 'folder' ? 0 : 1) - (b.target === 'folder' ? 0 : 1) || a.name.localeCompare(b.name));
    list.replaceChildren();
    if (entries.length === 0) {
      const row = list.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 4;
      cell.textContent = T.empty;
    }
    for (const e of entries) {
      const path = (m.path.endsWith('/') ? m.path : m.path + '/') + e.name;
      const row = list.insertRow();
      row.dataset.kind = e.kind;
      const name = row.insertCell();
      name.className = 'name';
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = (e.kind === 'folder' ? '📁 ' : e.kind === 'link' ? '↪ ' : '') + e.name + (e.kind === 'folder' ? '/' : '');
      if (e.kind === 'link') b.title = T.link;
      name.append(b);
      const size = row.insertCell();
      size.className = 'size';
      size.textContent = e.kind === 'folder' ? '' : bytes(e.size);
      const time = row.insertCell();
      time.className = 'time';
      time.textContent = e.mtime ? new Date(e.mtime * 1000).toLocaleString(LANG === 'zh' ? 'zh-CN' : 'en-GB') : '';
      const act = row.insertCell();
      act.className = 'act';
      if (e.kind === 'folder') {
        b.setAttribute('aria-label', say(T.open, e.name));
        b.addEventListener('click', () => go(path));
      } else if (e.kind === 'link' && e.target === 'folder') {
        b.textContent = '↪ ' + e.name + '/';
        b.setAttribute('aria-label', say(T.open, e.name));
        b.addEventListener('click', () => go(path));
      } else if (e.kind === 'link' && e.target === 'file' && ready && ready.download) {
        b.setAttribute('aria-label', say(T.downloadOf, e.name));
        b.addEventListener('click', () => send({ op: 'ticket', path }));
        act.append(downloadButton(path, e.name));
      } else if (e.kind === 'file' && ready && ready.download) {
        b.setAttribute('aria-label', say(T.downloadOf, e.name));
        b.addEventListener('click', () => send({ op: 'ticket', path }));
        act.append(downloadButton(path, e.name));
      }
    }
  }

  function downloadButton(path, name) {
    const d = document.createElement('button');
    d.type = 'button';
    d.textContent = '⬇';
    d.title = T.download;
    d.setAttribute('aria-label', say(T.downloadOf, name));
    d.addEventListener('click', () => send({ op: 'ticket', path }));
    return d;
  }

  /** The browser's own download: an attachment, so the page stays. */
  function fetchFile(url) {
    const a = document.createElement('a');
    a.href = url;
    a.download = '';
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  }

  // ---- uploads

  pick.addEventListener('change', () => {
    enqueue([...pick.files]);
    pick.value = '';
  });

  // Drop on the terminal or the panel.
  const work = $('work');
  let dragDepth = 0;
  const hasFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  work.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth++;
    document.body.classList.add('dragging');
  });
  work.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = ready && !ready.upload ? 'none' : 'copy';
  });
  work.addEventListener('dragleave', () => {
    if (--dragDepth <= 0) {
      dragDepth = 0;
      document.body.classList.remove('dragging');
    }
  });
  work.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth = 0;
    document.body.classList.remove('dragging');
    if (panel.hidden) show(true);
    enqueue([...e.dataTransfer.files]);
  });

  function enqueue(files) {
    if (files.length === 0) return;
    if (noLogin) {
      tell(T.loginFirst, 'error');
      return;
    }
    if (!ready) {            // the server has not said yet whether someone is logged in
      held = held.concat(files);
      connect();
      return;
    }
    if (!current && queue.length === 0) forAll = null;   // a new batch asks again
    for (const file of files) queue.push({ file, row: transferRow(file) });
    pump();
  }

  function transferRow(file) {
    const li = document.createElement('li');
    li.dataset.state = 'waiting';
    li.innerHTML = '<div class="line"><span class="name"></span><button type="button" class="stop"></button></div>'
      + '<progress max="1" value="0"></progress><div class="info"></div>';
    li.querySelector('.name').textContent = file.name;
    li.querySelector('.info').textContent = T.waiting + ' · ' + bytes(file.size);
    li.querySelector('progress').setAttribute('aria-label', file.name);
    const stop = li.querySelector('.stop');
    stop.textContent = T.cancel;
    stop.setAttribute('aria-label', T.cancel + ' ' + file.name);
    stop.addEventListener('click', () => cancel(li));
    transfers.prepend(li);
    return li;
  }

  function cancel(li) {
    const waiting = queue.findIndex((u) => u.row === li);
    if (waiting >= 0) {
      queue.splice(waiting, 1);
      finishRow(li, 'cancelled', T.cancelled);
    } else if (current && current.row === li) {
      current.cancelled = true;
      send({ op: 'cancel' });
    }
  }

  function finishRow(li, state, text) {
    li.dataset.state = state;
    li.querySelector('.info').textContent = text;
    li.querySelector('.stop').remove();
  }

  /** The upload's next message of one of these types (others, e.g. late 'written', are passed to onOther). */
  function next(types, onOther) {
    return new Promise((resolve) => waiters.push({ types, resolve, onOther }));
  }

  function deliver(m) {
    const w = waiters[0];
    if (!w) return;
    if (w.types.includes(m.t) || m.t === 'error') {
      waiters.shift();
      w.resolve(m);
    } else if (w.onOther) {
      w.onOther(m);
    }
  }

  async function pump() {
    if (current || !ready || queue.length === 0) return;
    current = queue.shift();
    try {
      await upload(current);
    } finally {
      current = null;
      waiters = [];
      if (cwd) go(cwd);
      pump();
    }
  }

  async function upload(u) {
    const { file, row } = u;
    const info = row.querySelector('.info');
    const bar = row.querySelector('progress');
    let answer = 'ask';
    let reply;
    for (;;) {
      send({ op: 'upload', dir: cwd, name: file.name, size: file.size, answer });
      reply = await next(['exists', 'go', 'skipped', 'done']);
      if (reply.t !== 'exists') break;
      answer = forAll || await ask(file.name);
    }
    if (reply.t === 'error') return finishRow(row, 'failed', reply.text);
    if (reply.t === 'skipped') return finishRow(row, 'done', T.skipped);
    if (reply.t === 'done') return finishRow(row, 'done', T.done + ' · ' + reply.name);
    row.querySelector('.name').textContent = reply.name;
    row.dataset.state = 'running';
    const started = performance.now();
    let written = 0;
    let sent = 0;
    let windowOpen = null;
    let shown = 0;
    const progress = (n) => {
      written = n;
      const now = performance.now();
      if (now - shown >= 250 || written === file.size) { // a few times a second: each is a layout and a paint
        shown = now;
        bar.value = file.size ? written / file.size : 1;
        info.textContent = bytes(written) + ' / ' + bytes(file.size) + ' · '
          + bytes(written / Math.max((now - started) / 1000, 0.001)) + '/s';
      }
      if (windowOpen && sent - written < WINDOW) {
        windowOpen();
        windowOpen = null;
      }
    };
    const end = next(['done', 'cancelled'], (m) => { if (m.t === 'written') progress(m.n); });
    let ended = null;
    end.then((m) => { ended = m; if (windowOpen) windowOpen(); });
    while (sent < file.size && !ended && !u.cancelled) {
      if (sent - written >= WINDOW) {
        await new Promise((resolve) => { windowOpen = resolve; });
        continue;
      }
      const data = await file.slice(sent, Math.min(file.size, sent + CHUNK)).arrayBuffer();
      if (ended || u.cancelled || !ws) break;
      ws.send(data);
      sent += data.byteLength;
    }
    const last = await end;
    if (last.t === 'done') finishRow(row, 'done', T.done + ' · ' + bytes(file.size) + ' · '
      + bytes(file.size / Math.max((performance.now() - started) / 1000, 0.001)) + '/s');
    else if (last.t === 'cancelled') finishRow(row, 'cancelled', T.cancelled);
    else finishRow(row, 'failed', last.text);
  }

  /** Replace, keep both or skip: the user's answer for a name that exists. */
  function ask(name) {
    const box = $('files-ask');
    $('files-ask-text').textContent = say(T.exists, name);
    $('files-ask-all').checked = false;
    box.hidden = false;
    box.querySelector('button').focus();
    return new Promise((resolve) => {
      for (const b of box.querySelectorAll('button')) {
        b.onclick = () => {
          box.hidden = true;
          if ($('files-ask-all').checked) forAll = b.dataset.answer;
          resolve(b.dataset.answer);
        };
      }
    });
  }

  return { sessionChanged };
}

function bytes(n) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return (i === 0 ? Math.round(n) : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
}
