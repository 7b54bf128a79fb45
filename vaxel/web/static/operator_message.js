// A message to the chosen person from the console card (OP7, issue 16 §4): Alt+S opens a
// dialog filled from the call in hand — the caller's name and number, the time, her name —
// with the tenant's templates (GET /telefonist/meddelanden/mallar) and the channels; Enter
// sends it (POST /telefonist/meddelanden), Esc closes it. A refusal stays in the dialog.
(function () {
  "use strict";
  var box = document.getElementById("op-message");
  var form = document.getElementById("op-message-form");
  var field = document.getElementById("op-q");
  var main = document.getElementById("op-form");
  if (!box || !form || !field || !main || !box.showModal || !window.fetch) return;
  var csrf = main.dataset.csrf;
  var choice = document.getElementById("op-message-template");
  var body = document.getElementById("op-message-body");
  var own = document.getElementById("op-message-own");
  var text = document.getElementById("op-message-text");
  var refused = document.getElementById("op-message-error");
  var templates = {}, person = null;

  function input(name) { return form.querySelector('[data-field="' + name + '"]'); }
  function shown() {  // a template shows its text; without one she writes her own
    var t = templates[choice.value];
    body.textContent = t ? t.body : "";
    own.hidden = !!t;
  }
  function loadTemplates() {
    return fetch("/telefonist/meddelanden/mallar", { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (list) {
        templates = {};
        while (choice.options.length > 1) choice.remove(1);
        list.forEach(function (t) {
          templates[t.template_id] = t;
          choice.add(new Option(t.name, t.template_id));
        });
        if (list.length && !choice.value) choice.value = list[0].template_id;
        shown();
      })
      .catch(function () {});
  }
  function open() {
    var option = document.querySelector('#op-results [aria-selected="true"]');
    var error = document.getElementById("op-error");
    if (!option || !option.dataset.person) { if (error) error.textContent = field.dataset.none || ""; return; }
    person = { id: option.dataset.person, name: option.dataset.name || "" };
    document.getElementById("op-message-to").textContent = person.name;
    var live = document.getElementById("op-live"), card = live ? live.dataset : {};
    input("namn").value = card.callerName || "";
    input("nummer").value = card.callerNumber || "";
    input("ärende").value = "";
    input("tid").value = new Date().toLocaleTimeString("sv-SE", { hour: "2-digit", minute: "2-digit" });
    input("telefonist").value = box.dataset.me || "";
    text.value = ""; refused.textContent = "";
    loadTemplates().then(function () {
      box.showModal();
      (own.hidden ? input("ärende") : text).focus();
    });
  }
  function send() {
    var fields = {};
    ["namn", "nummer", "ärende", "tid", "telefonist"].forEach(function (n) {
      if (input(n).value.trim()) fields[n] = input(n).value.trim();
    });
    var channels = Array.prototype.map.call(form.querySelectorAll('[name="channel"]:checked'), function (c) { return c.value; });
    var message = { person_id: person.id, fields: fields, channels: channels };
    if (templates[choice.value]) message.template_id = choice.value; else message.text = text.value;
    fetch("/telefonist/meddelanden", {
      method: "POST", body: JSON.stringify(message),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (answer) {
        if (!r.ok) {
          var detail = answer.detail;
          refused.textContent = typeof detail === "string" ? detail : String(r.status);
          return;
        }
        box.close();
        var said = document.getElementById("op-said");
        if (said) said.textContent = box.dataset.sent.replace("{name}", person.name);
        field.focus();
      });
    }).catch(function () { refused.textContent = document.getElementById("op-offline").textContent; });
  }

  choice.addEventListener("change", shown);
  form.addEventListener("submit", function (e) { e.preventDefault(); send(); });
  form.addEventListener("keydown", function (e) {  // Enter sends from any field but the text
    if (e.key === "Enter" && !e.shiftKey && e.target.tagName !== "TEXTAREA" && e.target.tagName !== "BUTTON") {
      e.preventDefault(); send();
    }
  });
  document.getElementById("op-message-cancel").addEventListener("click", function () { box.close(); });
  box.addEventListener("close", function () { field.focus(); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey && e.code === "KeyS" && !box.open && !document.querySelector("dialog[open]")) {
      e.preventDefault(); open();
    }
  });
})();
