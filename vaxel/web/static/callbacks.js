// The callback list stays current without reloading (CB8): /callbacks/changes says only
// "the list changed"; the page then fetches its visible rows again as HTML from the server
// and keeps what the agent is typing, where the focus is and which histories are open.
(function () {
  const body = document.getElementById("callbacks");
  if (!body || !window.EventSource || !window.fetch) return;
  let busy = false;
  let again = false;

  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const response = await fetch(body.dataset.rows, { credentials: "same-origin" });
      if (!response.ok || response.redirected) return;
      const html = await response.text();
      const typed = {};
      for (const input of body.querySelectorAll("input[type=text]")) typed[input.id] = input.value;
      const active = document.activeElement;
      const focused = active && body.contains(active) ? active.id : "";
      const open = new Set();
      for (const d of body.querySelectorAll("details[open]")) open.add(d.closest("tr").id);
      body.innerHTML = html;
      for (const [id, value] of Object.entries(typed)) {
        const input = document.getElementById(id);
        if (input && body.contains(input)) input.value = value;
      }
      for (const id of open) {
        const details = document.querySelector(`#${CSS.escape(id)} details`);
        if (details) details.open = true;
      }
      if (focused) {
        const element = document.getElementById(focused);
        if (element) element.focus();
      }
    } catch (error) {
      // the next change tries again
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }

  const source = new EventSource(
    "/callbacks/changes?since=" + encodeURIComponent(body.dataset.version));
  source.onmessage = function (message) {
    if (message.data === body.dataset.version) return;
    body.dataset.version = message.data;
    refresh();
  };
})();
