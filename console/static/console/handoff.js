// Live handoff: the queue badge (every page), the queue table and a ticket's messages,
// polled every 1.5 seconds. No inline script: the console's CSP forbids it.
(function () {
  "use strict";
  var PERIOD = 1500;  // with the 1 s ingest, a citizen's message shows within about 2.5 s
  var seen = null;

  function getJSON(url, done) {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status === 200) { done(JSON.parse(request.responseText)); }
    };
    request.send();
  }

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) { node.className = className; }
    return node;
  }

  function beep() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      var context = new Context();
      var tone = context.createOscillator();
      tone.connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 0.15);
    } catch (e) { /* no sound available */ }
  }

  function pollQueue() {
    var link = document.getElementById("queue-link");
    if (!link) { return; }
    getJSON(link.getAttribute("data-poll"), function (data) {
      var badge = document.getElementById("queue-badge");
      badge.textContent = data.pending ? String(data.pending) : "";
      badge.className = data.pending ? "badge warn" : "badge";
      var ids = data.tickets.filter(function (t) { return t.status === "pending"; })
        .map(function (t) { return t.id; });
      if (seen !== null && ids.some(function (id) { return seen.indexOf(id) < 0; })) { beep(); }
      seen = ids;
      var table = document.getElementById("queue-table");
      if (table && data.tickets.map(function (t) { return t.id; }).join() !==
          Array.prototype.map.call(table.querySelectorAll("tr[data-ticket]"),
            function (r) { return Number(r.getAttribute("data-ticket")); }).join()) {
        window.location.reload();  // a ticket came or went: the server renders the rows
      }
    });
  }

  function pollTicket() {
    var list = document.getElementById("live-messages");
    if (!list) { return; }
    var after = list.getAttribute("data-after") || "0";
    getJSON(list.getAttribute("data-poll") + "?after=" + encodeURIComponent(after), function (data) {
      data.messages.forEach(function (m) {
        var item = document.createElement("li");
        item.className = "ev " + m.kind;
        item.setAttribute("data-id", m.id);
        item.appendChild(text("span", m.who, "who"));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(text("span", m.ts, "ts"));
        item.appendChild(text("p", m.text));
        list.appendChild(item);
        list.setAttribute("data-after", m.id);
      });
    });
  }

  function tick() { pollQueue(); pollTicket(); }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".insert-canned") : null;
    var box = document.getElementById("reply-text");
    if (!button || !box) { return; }
    box.value = (box.value ? box.value + "\n" : "") + button.getAttribute("data-text");
    box.focus();  // the officer edits it before sending
  });
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, PERIOD);
  });
}());
