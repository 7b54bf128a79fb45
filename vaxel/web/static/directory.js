// The directory pages (issue 13 §6): results while typing, keyboard moves, live presence.
(function () {
  "use strict";
  var field = document.getElementById("dir-q");
  var area = document.getElementById("dir-area");
  var offline = document.getElementById("dir-offline");
  var timer = null, asked = 0;

  function hits() { return Array.prototype.slice.call(document.querySelectorAll("#dir-results a.dir-hit")); }

  function search() {
    var q = field.value, ticket = ++asked;
    fetch("/katalog/sok?q=" + encodeURIComponent(q), { headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (ticket !== asked || !html) return;  // an older answer arriving late is dropped
        area.innerHTML = html;
        history.replaceState(null, "", q ? "/katalog?q=" + encodeURIComponent(q) : "/katalog");
      });
  }

  if (field && area) {
    field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 120); });
    field.form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); search(); });
    document.addEventListener("keydown", function (e) {
      var list = hits(), at = list.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && list.length) {
        e.preventDefault();
        list[Math.min(at + 1, list.length - 1)].focus();
      } else if (e.key === "ArrowUp" && list.length) {
        e.preventDefault();
        if (at <= 0) field.focus(); else list[at - 1].focus();
      } else if (e.key === "Enter" && document.activeElement === field && list.length) {
        e.preventDefault();
        window.location = list[0].href;
      } else if (e.key === "Escape") {
        field.focus();
        field.select();
      }
    });
  }

  // Presence and line changes (busy, ringing, forwarded) of the tenant's people, shown where the person is on the page.
  function listen() {
    var source = new EventSource("/katalog/handelser");
    source.onopen = function () { if (offline) offline.hidden = true; };
    source.onerror = function () { if (offline) offline.hidden = false; };
    source.onmessage = function (message) {
      var change = JSON.parse(message.data);
      document.querySelectorAll('[data-person="' + CSS.escape(change.person_id) + '"]').forEach(function (node) {
        var presence = node.querySelector('[data-field="presence"]');
        if (presence) presence.textContent = change.presence;
        var status = node.querySelector('[data-field="status"]');
        var kind = change.status || (change.away ? "absent" : "available");
        if (status && status.dataset[kind]) {
          status.textContent = status.dataset[kind];
          status.className = "state dir-" + kind;
        }
      });
    };
  }
  if (window.EventSource) listen();
})();
