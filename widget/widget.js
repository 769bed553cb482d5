/*! Trợ lý Dịch vụ công: chat widget. No framework, no socket.io library.
 * Embed: <script src="https://BOT/webhooks/widget/widget.js" defer></script>
 * Options (data-* on that tag): data-server (bot origin, default: where this file came from),
 * data-title, data-open="true" (start opened), data-storage-key (localStorage prefix),
 * data-history-minutes (how long the history is kept on this device after the last
 * message; default 60).
 * Message content is only ever put in the page with textContent / createTextNode.
 * The conversation id is issued and signed by the server; the widget only keeps it. */
(function () {
  "use strict";
  if (window.__tldvcWidget) return;
  window.__tldvcWidget = true;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var cfg = (script && script.dataset) || {};
  var scriptUrl = new URL((script && script.src) || location.href, location.href);
  var server = new URL(cfg.server || scriptUrl.origin, location.href);
  var wsUrl = (server.protocol === "https:" ? "wss://" : "ws://") + server.host +
    "/socket.io/?EIO=4&transport=websocket";
  var KEY = cfg.storageKey || "tldvc";
  var MAX_HISTORY = 200;
  var HISTORY_MS = 60000 * (Number(cfg.historyMinutes) > 0 ? Number(cfg.historyMinutes) : 60);
  var T = {
    title: cfg.title || "Trợ lý Dịch vụ công",
    open: "Hỏi Trợ lý Dịch vụ công",
    close: "Đóng cửa sổ trò chuyện",
    log: "Nội dung trò chuyện",
    input: "Nhập câu hỏi của anh/chị",
    placeholder: "Nhập câu hỏi…",
    send: "Gửi",
    human: "Gặp nhân viên",
    restart: "Bắt đầu lại",
    restartHint: "Xóa lịch sử trò chuyện trên máy này và bắt đầu cuộc trò chuyện mới",
    you: "Anh/chị: ",
    bot: "Trợ lý: ",
    staff: "Cán bộ hỗ trợ",
    typing: "Trợ lý đang trả lời…",
    replies: "Các lựa chọn trả lời",
    connecting: "Đang kết nối…",
    online: "Sẵn sàng trả lời",
    offline: "Mất kết nối, đang thử kết nối lại…",
    restarted: "Đã bắt đầu cuộc trò chuyện mới.",
    noAnswer: "Trợ lý chưa trả lời. Anh/chị vui lòng thử lại sau ít phút.",
    link: "Xem tệp đính kèm",
    newTab: " (mở trong thẻ mới)",
    intro: "Xin chào anh/chị! Tôi là trợ lý tự động, giúp tra cứu hồ sơ cần chuẩn bị, " +
      "lệ phí, nơi nộp và thời gian giải quyết thủ tục hành chính. Vui lòng không nhập " +
      "số CCCD, số điện thoại hay thông tin cá nhân khác."
  };

  // ---- storage (localStorage may be unavailable: then the widget still works) ----
  function load(name, fallback) {
    try {
      var v = localStorage.getItem(KEY + ":" + name);
      return v === null ? fallback : JSON.parse(v);
    } catch (e) { return fallback; }
  }
  function save(name, value) {
    try {
      if (value === null) localStorage.removeItem(KEY + ":" + name);
      else localStorage.setItem(KEY + ":" + name, JSON.stringify(value));
    } catch (e) { /* full or disabled */ }
  }
  // The session ({session_id, session_token}) comes from the server's session_confirm.
  function validSession(s) {
    return s && typeof s === "object" && typeof s.session_id === "string" &&
      /^web:[A-Za-z0-9_-]{8,64}$/.test(s.session_id) &&
      typeof s.session_token === "string" && /^[0-9a-f]{32}$/.test(s.session_token) ? s : null;
  }
  function forget() {
    if (session) save("history:" + session.session_id, null);
    session = null;
    save("session", null);
    save("seen", null);
  }
  // Digit runs that may be ID or phone numbers, and e-mails, are not kept on the device.
  var PERSONAL_RE = /[+(]{0,3}\d(?:[\s.\-()]{0,3}\d){8,}|[^\s@]{1,64}@[^\s@]+\.[^\s@]+/g;
  function storable(entry) {
    var copy = {};
    for (var k in entry) copy[k] = entry[k];
    copy.text = String(entry.text).replace(PERSONAL_RE, "•••");
    return copy;
  }
  var session = validSession(load("session", null));
  // a shared computer at a one-stop counter: the history expires after a quiet while
  if (session && !(Date.now() - Number(load("seen", 0)) < HISTORY_MS)) forget();
  var history = session ? load("history:" + session.session_id, []) : [];
  history = (Array.isArray(history) ? history : []).filter(function (e) {
    return e && typeof e.text === "string" &&
      (e.from === "user" || e.from === "bot" || e.from === "staff");
  });

  // ---- DOM helpers: elements, attributes and text only, never HTML strings ----
  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    for (var k in attrs) if (attrs[k] != null) n.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) {
      n.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return n;
  }
  function safeUrl(raw) {
    try {
      var u = new URL(String(raw));
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) { return null; }
  }
  function link(href, label) {
    var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [label]);
    a.appendChild(el("span", { "class": "tldvc-sr" }, [T.newTab]));
    return a;
  }
  var URL_RE = /\bhttps?:\/\/[^\s<>"'«»“”]+/gi;
  // Text with its http(s) addresses turned into links, as DOM nodes.
  function richText(parent, text) {
    var last = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text))) {
      var url = m[0].replace(/[.,;:!?)\]}]+$/, "");
      var href = safeUrl(url);
      if (!href) continue;
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      parent.appendChild(link(href, url));
      last = m.index + url.length;
      URL_RE.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---- layout ----
  var ids = { panel: "tldvc-panel", title: "tldvc-title", input: "tldvc-input" };
  var launcher = el("button", {
    type: "button", "class": "tldvc-launcher", "aria-expanded": "false",
    "aria-controls": ids.panel
  }, [el("span", { "class": "tldvc-launcher-icon", "aria-hidden": "true" }), T.open]);
  var status = el("p", { "class": "tldvc-status", role: "status" }, [T.connecting]);
  var closeBtn = el("button", { type: "button", "class": "tldvc-close", "aria-label": T.close },
    ["×"]);
  var humanBtn = el("button", { type: "button", "class": "tldvc-action tldvc-human" }, [T.human]);
  var restartBtn = el("button", {
    type: "button", "class": "tldvc-action tldvc-restart", title: T.restartHint
  }, [T.restart]);
  var log = el("div", {
    "class": "tldvc-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": T.log, tabindex: "0"
  });
  var typing = el("div", { "class": "tldvc-typing", hidden: "" }, [
    el("span", { "class": "tldvc-dots", "aria-hidden": "true" },
      [el("span"), el("span"), el("span")]),
    el("span", { "class": "tldvc-sr" }, [T.typing])
  ]);
  var input = el("input", {
    id: ids.input, "class": "tldvc-input", type: "text", autocomplete: "off",
    maxlength: "1000", enterkeyhint: "send", placeholder: T.placeholder
  });
  var form = el("form", { "class": "tldvc-form" }, [
    el("label", { "for": ids.input, "class": "tldvc-sr" }, [T.input]),
    input,
    el("button", { type: "submit", "class": "tldvc-send" }, [T.send])
  ]);
  var panel = el("div", {
    id: ids.panel, "class": "tldvc-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": ids.title, hidden: ""
  }, [
    el("div", { "class": "tldvc-header" }, [
      el("div", { "class": "tldvc-heading" }, [
        el("h2", { id: ids.title, "class": "tldvc-title" }, [T.title]), status
      ]),
      closeBtn
    ]),
    el("div", { "class": "tldvc-actions" }, [humanBtn, restartBtn]),
    log, typing, form
  ]);
  var root = el("div", { id: "tldvc-root", "class": "tldvc-root", lang: "vi" },
    [launcher, panel]);

  // ---- messages ----
  function buttonsOf(msg) {
    var list = [].concat(msg.buttons || [], msg.quick_replies || []);
    return list.filter(function (b) { return b && b.title != null; }).map(function (b) {
      return { title: String(b.title), payload: String(b.payload != null ? b.payload : b.title) };
    });
  }
  function render(entry) {
    var mine = entry.from === "user";
    var staff = entry.from === "staff";
    // a person's message (sent by a support officer from the console), named as such
    var who = staff ? (entry.staff || T.staff) : "";
    var bubble = el("div", {
      "class": "tldvc-msg " + (mine ? "tldvc-user" : "tldvc-bot") + (staff ? " tldvc-staff" : "")
    }, [
      staff ? el("span", { "class": "tldvc-who" }, [who]) :
        el("span", { "class": "tldvc-sr" }, [mine ? T.you : T.bot])
    ]);
    if (mine) bubble.appendChild(document.createTextNode(entry.text));
    else richText(bubble, entry.text || "");
    if (entry.link) {
      var href = safeUrl(entry.link);
      if (href) bubble.appendChild(el("div", {}, [link(href, T.link)]));
    }
    var item = el("div", { "class": "tldvc-item" }, [bubble]);
    if (Array.isArray(entry.buttons) && entry.buttons.length) {
      var group = el("div", { "class": "tldvc-replies", role: "group", "aria-label": T.replies });
      entry.buttons.forEach(function (b) {
        var btn = el("button", { type: "button", "class": "tldvc-reply" }, [String(b.title)]);
        btn.addEventListener("click", function () { send(b.payload, b.title); input.focus(); });
        group.appendChild(btn);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }
  function renderAll() {
    while (log.firstChild) log.removeChild(log.firstChild);
    log.appendChild(el("p", { "class": "tldvc-intro" }, [T.intro]));
    history.forEach(render);
  }
  function keep() {
    if (!session) return;
    save("history:" + session.session_id, history.map(storable));
    save("seen", Date.now());
  }
  function record(entry) {
    history.push(entry);
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
    keep();
    render(entry);
  }

  // ---- typing indicator ----
  var typingTimer = null;
  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) {
      typingTimer = setTimeout(function () {
        typing.hidden = true;
        status.textContent = T.noAnswer;
      }, 45000);
    }
  }

  // ---- Engine.IO v4 / socket.io v5 over a plain WebSocket ----
  // Frames: "0{..}" open, "2" ping -> "3" pong, "1" close; "4" + socket.io packet:
  // "40" connect, "41" disconnect, "42[event, data]" event, "44" connect error.
  var ws = null, ready = false, attempts = 0, retryTimer = null, pingTimer = null, outbox = [];
  function setStatus(text) { if (status.textContent !== text) status.textContent = text; }
  function emit(event, data) { ws.send("42" + JSON.stringify([event, data])); }
  function armPing(ms) {
    clearTimeout(pingTimer);
    pingTimer = setTimeout(function () { drop(ws); }, ms);
  }
  // Forget a socket at once (a dead network may take minutes to report the close).
  function drop(sock) {
    if (!sock || sock !== ws) return;
    ws = null;
    ready = false;
    clearTimeout(pingTimer);
    try { sock.close(); } catch (e) { /* already closed */ }
    setStatus(T.offline);
    retry();
  }
  function connect() {
    clearTimeout(retryTimer);
    ready = false;
    var sock, pingWait = 45000;
    try { sock = new WebSocket(wsUrl); } catch (e) { return retry(); }
    ws = sock;
    armPing(20000); // no open packet in time: try again
    sock.onmessage = function (ev) {
      if (sock !== ws || typeof ev.data !== "string") return;
      var d = ev.data;
      if (d[0] === "0") {
        try { var o = JSON.parse(d.slice(1)); pingWait = o.pingInterval + o.pingTimeout; }
        catch (e) { /* keep the default */ }
        armPing(pingWait);
        sock.send("40");
      } else if (d[0] === "2") {
        armPing(pingWait);
        sock.send("3");
      } else if (d[0] === "1") {
        drop(sock);
      } else if (d[0] === "4") {
        var type = d[1], body = d.slice(2).replace(/^\d+/, "");
        if (type === "0") {
          emit("session_request", session || {});
        } else if (type === "2") {
          var msg; try { msg = JSON.parse(body); } catch (e) { return; }
          if (Array.isArray(msg)) onEvent(msg[0], msg[1]);
        } else if (type === "1" || type === "4") {
          drop(sock);
        }
      }
    };
    sock.onclose = function () { drop(sock); };
  }
  function retry() {
    clearTimeout(retryTimer);
    var delay = Math.min(30000, 1000 * Math.pow(2, attempts++)) * (0.75 + Math.random() / 2);
    retryTimer = setTimeout(connect, delay);
  }
  window.addEventListener("online", function () {
    if (!ws) { attempts = 0; connect(); }
  });
  function onEvent(name, data) {
    if (name === "session_confirm") {
      var confirmed = validSession(data);
      if (!confirmed) return drop(ws);
      if (!session || session.session_id !== confirmed.session_id) {
        forget();  // the server did not know ours: a new conversation
        session = confirmed;
        save("session", session);
      }
      keep();
      ready = true;
      attempts = 0;
      setStatus(T.online);
      flush();
    } else if (name === "bot_uttered" && data && typeof data === "object") {
      setTyping(false);
      var att = data.attachment && data.attachment.payload;
      var entry = { from: data.from === "staff" ? "staff" : "bot",
        text: typeof data.text === "string" ? data.text : "" };
      if (entry.from === "staff" && typeof data.staff === "string") entry.staff = data.staff;
      var buttons = buttonsOf(data);
      if (buttons.length) entry.buttons = buttons;
      if (att && typeof att.src === "string") entry.link = att.src;
      if (entry.text || entry.buttons || entry.link) record(entry);
    }
  }
  function send(payload, shown) {
    payload = String(payload).trim();
    if (!payload) return;
    record({ from: "user", text: shown || payload });
    setTyping(true);
    outbox.push(payload);
    flush();
  }
  // Sent once the socket is open and the session confirmed; kept for the next one otherwise.
  function flush() {
    while (ready && ws && ws.readyState === 1 && outbox.length) {
      emit("user_uttered", { message: outbox.shift(), session_id: session.session_id });
    }
  }
  function restart() {
    forget();
    history = [];
    outbox = [];
    setTyping(false);
    renderAll();
    var old = ws;
    ws = null; // the old socket is in the old session's room: never read it again
    if (old) old.close();
    attempts = 0;
    connect();
    setStatus(T.restarted);
    input.focus();
  }

  // ---- controls ----
  function setOpen(open, focus) {
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    root.classList.toggle("tldvc-is-open", open);
    save("open", open);
    if (open) {
      log.scrollTop = log.scrollHeight;
      if (focus) input.focus();
    } else if (focus) {
      launcher.focus();
    }
  }
  launcher.addEventListener("click", function () { setOpen(true, true); });
  closeBtn.addEventListener("click", function () { setOpen(false, true); });
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") setOpen(false, true);
  });
  humanBtn.addEventListener("click", function () { send("/request_human", T.human); });
  restartBtn.addEventListener("click", restart);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });

  function start() {
    var css = new URL("widget.css", scriptUrl).href;
    if (!document.querySelector('link[href="' + css + '"]')) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: css }));
    }
    renderAll();
    document.body.appendChild(root);
    setOpen(load("open", cfg.open === "true") === true, false);
    connect();
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
