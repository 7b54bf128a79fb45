// The agent workspace without page reloads (issue 9 §10, Q21–Q26). Without JavaScript the
// state and contact forms post and the server redirects back to "/"; with it, this script
// posts them with fetch, follows that redirect and puts the new #workspace in place of the
// old, and does the same when the live stream (live.js) says the agent's own state changed.
// A reload would throw the keyboard focus to the top of the page after every key press:
// here focus stays on the control that had it, moves to "Svara" when a contact is offered,
// and otherwise to the first control of the section it was in.
(function () {
  const region = document.getElementById("workspace");
  if (!region || !window.fetch || !window.DOMParser) return;
  const FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea";
  let queue = Promise.resolve();
  let refreshPending = false;
  let latestState = "";  // the agent's state in the newest snapshot

  function later(task) {  // one request at a time, in order
    queue = queue.then(task).catch(function () {});
    return queue;
  }

  // What identifies a control across two renderings of the page.
  function keyOf(element) {
    const form = element.closest("form");
    const fixed = element.tagName === "BUTTON" || ["checkbox", "radio"].includes(element.type);
    return [element.tagName, element.id, element.name || "", fixed ? element.value : "",
      element.tagName === "BUTTON" || element.tagName === "A" ? element.textContent.trim() : "",
      form ? form.getAttribute("action") : ""].join("|");
  }

  function findByKey(key) {
    for (const element of region.querySelectorAll(FOCUSABLE)) {
      if (keyOf(element) === key) return element;
    }
    return null;
  }

  function sectionOf(element) {
    const section = element && element.closest("section[aria-labelledby]");
    return section ? section.getAttribute("aria-labelledby") : "";
  }

  // Puts the #workspace of `html` in place. `keepTyped`: a live update keeps what the agent
  // is typing into the same contact's fields (an own submit already sent it).
  function swap(html, keepTyped) {
    const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("workspace");
    if (!fresh) return false;
    const before = document.getElementById("my-state");
    const wasOffered = before && before.dataset.state === "offered";
    const active = document.activeElement;
    const hadFocus = active && region.contains(active);
    const focusKey = hadFocus ? keyOf(active) : "";
    const focusSection = hadFocus ? sectionOf(active) : "";
    const caret = hadFocus && typeof active.selectionStart === "number" ? active.selectionStart : null;
    const typed = {};
    if (keepTyped && fresh.dataset.contact && fresh.dataset.contact === region.dataset.contact) {
      for (const field of region.querySelectorAll("input[type=text][id], textarea[id], select[id]")) {
        typed[field.id] = field.value;
      }
    }
    region.replaceChildren(...fresh.childNodes);
    region.dataset.contact = fresh.dataset.contact || "";
    for (const [id, value] of Object.entries(typed)) {
      const field = document.getElementById(id);
      if (field && region.contains(field)) field.value = value;
    }
    const now = document.getElementById("my-state");
    const offer = region.querySelector("[autofocus]");
    let target = null;
    if (offer && now && now.dataset.state === "offered" && !wasOffered) target = offer;
    else if (hadFocus) {
      target = findByKey(focusKey);
      const section = focusSection && document.getElementById(focusSection);
      if (!target && section) target = section.closest("section").querySelector(FOCUSABLE);
      if (!target) target = document.getElementById("main");
    } else if (offer) target = offer;
    if (target) {
      target.focus();
      if (caret !== null && target === findByKey(focusKey) && target.setSelectionRange) {
        try { target.setSelectionRange(caret, caret); } catch (error) { /* not a text field */ }
      }
    }
    return true;
  }

  async function refresh() {
    refreshPending = false;
    const me = document.getElementById("my-state");
    if (me && me.dataset.state === latestState) return;  // an own action already redrew it
    const response = await fetch("/", { credentials: "same-origin" });
    if (response.ok && !response.redirected) swap(await response.text(), true);
  }

  function submitNatively(form, submitter) {
    form.dataset.native = "1";
    form.requestSubmit(submitter || undefined);
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    // getAttribute: the forms' buttons are named "action", which shadows form.action
    const method = (form.getAttribute("method") || "get").toLowerCase();
    if (!region.contains(form) || method !== "post" || form.dataset.native) return;
    event.preventDefault();
    const submitter = event.submitter;
    const data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    const body = new URLSearchParams(data);
    later(async function () {
      let response;
      try {
        response = await fetch(form.getAttribute("action"), { method: "POST", body, credentials: "same-origin" });
      } catch (error) {
        submitNatively(form, submitter);
        return;
      }
      if (!response.ok) { submitNatively(form, submitter); return; }  // the server's error page
      const landed = new URL(response.url);
      if (landed.pathname !== "/") { window.location.assign(response.url); return; }
      if (!swap(await response.text(), false)) { window.location.assign(response.url); return; }
      if (window.location.search) history.replaceState(null, "", "/");
    });
  });

  // live.js passes on each snapshot of the tenant; a change of the agent's own state (an
  // offer, the caller hanging up, wrap-up ending) redraws the contact card (ST1).
  document.addEventListener("vaxel:snapshot", function (event) {
    const me = document.getElementById("my-state");
    if (!me) return;
    const mine = event.detail.agents.find(function (a) { return a.id === me.dataset.agent; });
    if (!mine) return;
    latestState = mine.state;
    if (mine.state === me.dataset.state || refreshPending) return;
    refreshPending = true;
    later(refresh);
  });
})();
