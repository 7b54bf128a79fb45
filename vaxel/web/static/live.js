// Live updates (ST1): the server pushes a snapshot of the tenant on every change.
// The snapshot is shared by every page of the tenant, so its texts are Swedish; the page
// gives the names in its own language as JSON in <script id="state-names"> (issue 4, ADM5).
(function () {
  const names = document.getElementById("state-names");
  const stateNames = names ? JSON.parse(names.textContent) : {};
  const pauses = document.getElementById("pause-names");  // Växel's own pause reason ids
  const pauseNames = pauses ? JSON.parse(pauses.textContent) : {};
  // The server sends a snapshot only when something happens; times ("…_s") count on
  // here each second from the snapshot's arrival (ST1).
  let received = Date.now();
  function show(row, values) {
    for (const cell of row.querySelectorAll("[data-field]")) {
      const key = cell.dataset.field;
      if (!(key in values) || key === "state_name") continue;
      const ticking =
        (key === "in_state_s" && values.state !== "logged_out") ||
        (key === "longest_wait_s" && values.waiting > 0);
      cell.dataset.base = ticking ? values[key] : "";
      cell.textContent = values[key] + (key.endsWith("_s") ? " s" : "");
      if (key === "service_level") cell.classList.toggle("below-goal", !!values.below_goal);
    }
  }
  setInterval(function () {
    const elapsed = Math.floor((Date.now() - received) / 1000);
    for (const cell of document.querySelectorAll("[data-base]:not([data-base=''])")) {
      cell.textContent = Number(cell.dataset.base) + elapsed + " s";
    }
  }, 1000);
  const source = new EventSource("/events");
  source.onmessage = function (message) {
    const data = JSON.parse(message.data);
    received = Date.now();
    for (const q of data.queues) {
      const row = document.querySelector(`tr[data-queue="${q.id}"]`);
      if (row) show(row, q);
    }
    const overall = document.getElementById("overall");
    if (overall && data.overall) show(overall, data.overall);
    // the workspace (workspace.js) redraws its contact card when the agent's state changes
    document.dispatchEvent(new CustomEvent("vaxel:snapshot", { detail: data }));
    for (const a of data.agents) {
      const row = document.querySelector(`tr[data-agent="${a.id}"]`);
      if (!row) continue;
      const state = row.querySelector('[data-field="state_name"]');
      state.textContent = stateNames[a.state] || a.state_name;
      state.className = "state " + a.state;
      const pause = row.querySelector("[data-pause]");
      const reason = a.state === "paused" ? a.pause_reason || "" : "";
      if (pause) pause.textContent = pauseNames[reason] || reason;
      show(row, a);
    }
  };
})();
