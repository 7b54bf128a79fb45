// The operator console (issue 16 §1–§3): keyboard first, the search field keeps the focus.
// Without script the forms post and the server redirects back; with it, every action is a
// fetch, the live part is fetched again whenever the tenant's live stream (/events) says
// something changed, and presence changes (/katalog/handelser) reach the results in place.
(function () {
  "use strict";
  var field = document.getElementById("op-q");
  var form = document.getElementById("op-form");
  var area = document.getElementById("op-area");
  var liveArea = document.getElementById("op-live-area");
  var offline = document.getElementById("op-offline");
  var errorBox = document.getElementById("op-error");
  var help = document.getElementById("op-help");
  if (!field || !form || !window.fetch) return;
  var csrf = form.dataset.csrf;
  var timer = null, asked = 0, loaded = Date.now(), refreshing = false, again = false;

  // A consultation made a conference (Alt+K): Alt+L and Alt+K leave it rather than a break-in.
  function inConference() { return !!document.getElementById("op-conference"); }
  function options() { return Array.prototype.slice.call(document.querySelectorAll("#op-results [role=option]")); }
  function selected() { return document.querySelector('#op-results [aria-selected="true"]'); }

  function select(option) {
    options().forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    if (option) { field.setAttribute("aria-activedescendant", option.id); option.scrollIntoView({ block: "nearest" }); }
    else field.removeAttribute("aria-activedescendant");
  }

  function results(html) {
    area.querySelector("#op-count").outerHTML = "";
    var groups = area.querySelector("#op-groups-box");  // the last search's answer groups (spec §68)
    if (groups) groups.outerHTML = "";
    area.querySelector("#op-results").outerHTML = html;
    var list = options();
    field.setAttribute("aria-expanded", list.length ? "true" : "false");
    select(list[0] || null);
  }

  function search() {
    var q = field.value.trim(), ticket = ++asked;
    fetch("/telefonist/sok?q=" + encodeURIComponent(q), { headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (ticket === asked && html) results(html); });  // a late answer is dropped
  }

  function say(message) { errorBox.textContent = message || ""; }

  function refresh() {  // one fetch at a time; a change while fetching fetches once more
    if (refreshing) { again = true; return; }
    refreshing = true;
    lastFetch = Date.now();
    fetch("/telefonist/lage", { headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById("op-live");
        if (fresh) {
          var had = document.activeElement && liveArea.contains(document.activeElement);
          liveArea.replaceChildren(fresh);
          loaded = Date.now();
          if (had) field.focus();
        }
      })
      .catch(function () {})
      .then(function () { refreshing = false; if (again) { again = false; refresh(); } });
  }

  function post(path, data) {
    data.set("csrf", csrf);
    return fetch(path, { method: "POST", body: data, headers: { "Accept": "application/json", "X-CSRF-Token": csrf } })
      .then(function (r) { return r.json().catch(function () { return { error: r.ok ? "" : String(r.status) }; }); })
      .then(function (answer) {
        var refused = answer.error || (answer.detail ? String(answer.detail) : "");
        say(refused);
        var said = document.getElementById("op-said");  // what was done (a park's orbit)
        if (said) said.textContent = refused ? "" : (answer.said || "");
        refresh(); field.focus(); return answer;
      })
      .catch(function () { say(offline.textContent); field.focus(); });
  }

  // first: announced transfer — ask the person before connecting; through: ring-through
  // (Alt+G, OP5) — the person's own phones, whatever their presence or forwarding
  function connect(first, through) {
    var option = selected(), typed = field.value.replace(/[\s-]/g, "");
    var number = /^[\d+*#]+$/.test(typed) ? typed : (option ? option.dataset.number : "");
    if (!number) { say(field.dataset.none || ""); return; }
    var data = new FormData();
    data.set("number", number);
    if (option && number === option.dataset.number) data.set("name", option.dataset.name || "");
    var path = first ? "/telefonist/forfragan" : (through ? "/telefonist/genomringning" : "/telefonist/koppla");
    post(path, data).then(function (answer) {
      if (answer && !answer.error) { field.value = ""; search(); }
    });
  }

  function campOn() {  // F6: camp the call in hand on the chosen person's busy extension (OP4)
    var option = selected();
    if (!option || !option.dataset.number) { say(field.dataset.none || ""); return; }
    var data = new FormData();
    data.set("number", option.dataset.number);
    data.set("name", option.dataset.name || "");
    post("/telefonist/vantkoppla", data).then(function (answer) {
      if (answer && !answer.error) { field.value = ""; search(); }
    });
  }

  function breakIn(listen) {  // Alt+B: break in on the chosen person's call (spec §48), Alt+M: listen in (OP6); Alt+L leaves
    var option = selected();
    if (!option || !option.dataset.number) { say(field.dataset.none || ""); return; }
    var data = new FormData();
    data.set("number", option.dataset.number);
    post(listen ? "/telefonist/medlyssna" : "/telefonist/bryt-in", data);
  }

  // Night service and the emergency message (OP6): Alt+N / Alt+D or the button, then a
  // confirmation (Enter yes, Esc no) and one PUT of the console's switch service.
  var confirmBox = document.getElementById("op-confirm");
  function putSwitch(name, on) {
    fetch("/telefonist/brytare/" + encodeURIComponent(name), {
      method: "PUT", body: JSON.stringify({ on: on }),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (answer) {
        say(r.ok ? "" : String(answer.detail || r.status));
      });
    }).catch(function () { say(offline.textContent); })
      .then(function () { refresh(); field.focus(); });
  }
  function flipSwitch(name) {
    var button = document.querySelector('#op-switches button[data-switch="' + CSS.escape(name) + '"]');
    if (!button || !confirmBox || !confirmBox.showModal) return;
    var on = button.dataset.on === "1";
    document.getElementById("op-confirm-q").textContent =
      confirmBox.dataset[on ? "on" : "off"].replace("{name}", button.dataset.title.toLowerCase());
    confirmThen(function () { putSwitch(name, on); });
  }
  function confirmThen(go) {  // the question is in #op-confirm-q: Enter yes, Esc no
    confirmBox.returnValue = "";
    confirmBox.onclose = function () { if (confirmBox.returnValue === "yes") go(); else field.focus(); };
    confirmBox.showModal();
  }

  function removeForwarding() {  // Alt+V: the chosen person's forwarding off, confirmed (PBX5)
    var option = selected(), to = option && option.querySelector('[data-field="forwarded"]');
    if (!option || !confirmBox || !confirmBox.showModal) { say(field.dataset.none || ""); return; }
    if (!to) { say(confirmBox.dataset.notForwarded.replace("{name}", option.dataset.name || "")); return; }
    document.getElementById("op-confirm-q").textContent = confirmBox.dataset.forwarding
      .replace("{number}", to.dataset.to).replace("{name}", option.dataset.name || "");
    confirmThen(function () {
      var data = new FormData();
      data.set("person", option.dataset.person);
      post("/telefonist/vidarekoppling/ta-bort", data).then(function () { search(); });
    });
  }
  var switchKeys = { KeyN: "nattservice", KeyD: "driftstorning", KeyT: "telefonistmeny" };

  function toVoicemail() {  // Alt+R: the call in hand to the chosen person's mailbox (OP3)
    var option = selected();
    if (!option || !option.dataset.person) { say(field.dataset.none || ""); return; }
    var data = new FormData();
    data.set("person", option.dataset.person);
    post("/telefonist/rostbrevlada", data).then(function (answer) {
      if (answer && !answer.error) { field.value = ""; search(); }
    });
  }

  field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 100); });
  form.addEventListener("submit", function (e) { e.preventDefault(); connect(false); });
  document.addEventListener("submit", function (e) {  // the live part's forms
    if (!e.target.classList.contains("op-post")) return;
    e.preventDefault();
    var data = new FormData(e.target);
    if (e.submitter && e.submitter.name) data.set(e.submitter.name, e.submitter.value);
    post(e.target.getAttribute("action"), data);
  });
  document.addEventListener("click", function (e) {
    var toggle = e.target.closest && e.target.closest("#op-switches button[data-switch]");
    if (toggle) { flipSwitch(toggle.dataset.switch); return; }
    var option = e.target.closest && e.target.closest("#op-results [role=option]");
    if (option) { select(option); field.focus(); }
  });
  document.addEventListener("keydown", function (e) {
    if (document.querySelector("dialog[open]")) return;  // a dialog's own Enter and Esc
    var list = options(), at = list.indexOf(selected());
    if (e.altKey && switchKeys[e.code]) { e.preventDefault(); flipSwitch(switchKeys[e.code]); }
    else if (e.altKey && e.code === "KeyR") { e.preventDefault(); toVoicemail(); }
    else if (e.altKey && e.code === "KeyG") { e.preventDefault(); connect(false, true); }
    else if (e.altKey && e.code === "KeyB") { e.preventDefault(); breakIn(false); }
    else if (e.altKey && e.code === "KeyM") { e.preventDefault(); breakIn(true); }
    else if (e.altKey && e.code === "KeyK") { e.preventDefault(); post(inConference() ? "/telefonist/konferens/lamna" : "/telefonist/konferens", new FormData()); }
    else if (e.altKey && e.code === "KeyL") { e.preventDefault(); post(inConference() ? "/telefonist/konferens/lamna" : "/telefonist/bryt-in/lamna", new FormData()); }
    else if (e.altKey && e.code === "KeyV") { e.preventDefault(); removeForwarding(); }
    else if (e.altKey && e.code === "KeyA") { e.preventDefault(); post("/telefonist/bryt-in/avsluta", new FormData()); }
    else if (e.key === "F1") { e.preventDefault(); help.open = !help.open; field.focus(); }
    else if (e.key === "F6") { e.preventDefault(); campOn(); }
    else if (e.key === "F2") { e.preventDefault(); post("/telefonist/ta", new FormData()); }
    else if (e.key === "F9") { e.preventDefault(); post("/telefonist/parkera", new FormData()); }
    else if (e.key === "F10") { e.preventDefault(); post("/telefonist/hamta", new FormData()); }
    else if (e.key === "F3") { e.preventDefault(); post("/telefonist/forfragan/koppla", new FormData()); }
    else if (e.key === "F4") { e.preventDefault(); post("/telefonist/forfragan/tillbaka", new FormData()); }
    else if (e.key === "Enter" && e.shiftKey && document.activeElement === field) { e.preventDefault(); connect(true); }
    else if (e.key === "F7" || e.key === "F8") {
      e.preventDefault();
      var data = new FormData();
      data.set("action", e.key === "F7" ? "ready" : "pause");
      post("/telefonist/status", data);
    } else if (e.key === "Escape") { e.preventDefault(); field.value = ""; search(); say(""); field.focus(); }
    else if (document.activeElement !== field) { return; }
    else if (e.key === "ArrowDown" && list.length) { e.preventDefault(); select(list[Math.min(at + 1, list.length - 1)]); }
    else if (e.key === "ArrowUp" && list.length) { e.preventDefault(); select(list[Math.max(at - 1, 0)]); }
  });

  // A group's diversion set or cleared from its row (spec §67): said here, the rows searched again.
  area.addEventListener("submit", function (e) {
    var form = e.target.closest && e.target.closest("#op-groups form");
    if (!form) return;
    e.preventDefault();
    post(form.getAttribute("action"), new FormData(form)).then(function (answer) { if (answer && !answer.error) search(); });
  });

  // Camped calls change without a live event (a line coming free): look again every 3 s.
  setInterval(function () { if (document.getElementById("op-camped")) refresh(); }, 3000);

  // Times tick on in the browser from the fragment's seconds; while a consultation is on
  // (announced transfer) the live part is also fetched every 3 s, should a wake be missed.
  var consultTicks = 0;
  setInterval(function () {
    var live = document.getElementById("op-live");
    if (live && live.dataset.consulting === "on" && ++consultTicks % 3 === 0) refresh();
    var passed = Math.floor((Date.now() - loaded) / 1000);
    document.querySelectorAll("#op-live [data-ticks]").forEach(function (node) {
      node.textContent = String(Number(node.dataset.seconds) + passed);
    });
  }, 1000);

  // A recall on the card (issue 16 §3) changes in telephony, not the queues: look again.
  setInterval(function () { if (document.getElementById("op-recalls") || document.getElementById("op-parked")) refresh(); }, 3000);

  // The waiting calls, drawn at once from the console's own stream (/telefonist/handelser):
  // the fragment fetched after it has them too, but 50 consoles' fetches queue up.
  var lastKey = null, lastFetch = 0, pending = null;
  function refreshSoon(gap) {
    if (pending && gap) return;  // one already waits
    clearTimeout(pending);
    pending = setTimeout(function () { pending = null; refresh(); }, Math.max(0, lastFetch + gap - Date.now()));
  }

  function drawWaiting(rows) {
    var section = document.getElementById("op-waiting"), row = document.getElementById("op-waiting-row");
    if (!section || !row) return;
    var body = section.querySelector("tbody"), shown = {};
    body.querySelectorAll("tr[data-contact]").forEach(function (tr) { shown[tr.dataset.contact] = tr; });
    var same = rows.length === Object.keys(shown).length && rows.every(function (w) { return shown[w.id]; });
    if (!same) {
      var had = document.activeElement && section.contains(document.activeElement);
      body.replaceChildren.apply(body, rows.map(function (w) {
        var tr = row.content.firstElementChild.cloneNode(true), cells = tr.children;
        tr.dataset.contact = w.id;
        cells[0].textContent = w.caller_number || cells[0].dataset.hidden;
        cells[1].textContent = w.queue;
        cells[2].firstElementChild.dataset.seconds = String(w.waited_s - Math.floor((Date.now() - loaded) / 1000));
        cells[2].firstElementChild.textContent = String(w.waited_s);
        var contact = tr.querySelector("input[data-contact-field]");
        contact.name = "contact";
        contact.value = w.id;
        return tr;
      }));
      if (had) field.focus();
    }
    section.querySelector("table").hidden = !rows.length;
    section.querySelector("p.muted").hidden = rows.length > 0;
  }

  function listen() {
    var live = new EventSource("/telefonist/handelser");
    live.onopen = function () { offline.hidden = true; refresh(); };
    live.onerror = function () { offline.hidden = false; };
    live.onmessage = function (message) {
      offline.hidden = true;
      var data = null;
      try { data = JSON.parse(message.data); } catch (e) { data = null; }
      if (!data) { refresh(); return; }
      drawWaiting(data.waiting || []);
      // Her state or call changed, or telephony's (a recall, a consultation, a camp-on …):
      // the whole live part now. Otherwise (calls arriving,
      // others taking them) the push drew what is new; the rest at most every 3 s, so that
      // 50 consoles do not fetch their pages on every arriving call.
      var key = data.state + "|" + data.call + "|" + data.telephony;
      refreshSoon(key === lastKey ? 3000 : 0);
      lastKey = key;
    };
    var people = new EventSource("/katalog/handelser");
    people.onmessage = function (message) {
      var change = JSON.parse(message.data);
      document.querySelectorAll('#op-results [data-person="' + CSS.escape(change.person_id) + '"]').forEach(function (node) {
        var presence = node.querySelector('[data-field="presence"]');
        if (presence) presence.textContent = change.presence;
        var status = node.querySelector('[data-field="status"]');
        var kind = change.status || (change.away ? "absent" : "available");
        if (status && status.dataset[kind]) { status.textContent = status.dataset[kind]; status.className = "state dir-" + kind; }
      });
    };
  }
  if (window.EventSource) listen();
  field.focus();
})();
