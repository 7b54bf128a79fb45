// Live updates (ST1): the server pushes a snapshot of the tenant on every change.
// The snapshot is shared by every page of the tenant, so its texts are Swedish; the page
// gives the names in its own language as JSON in <script id="state-names"> (issue 4, ADM5).
(function () {
  const names = document.getElementById("state-names");
  const stateNames = names ? JSON.parse(names.textContent) : {};
  const source = new EventSource("/events");
  source.onmessage = function (message) {
    const data = JSON.parse(message.data);
    for (const q of data.queues) {
      const row = document.querySelector(`tr[data-queue="${q.id}"]`);
      if (!row) continue;
      row.querySelector('[data-field="waiting"]').textContent = q.waiting;
      row.querySelector('[data-field="longest_wait_s"]').textContent = q.longest_wait_s + " s";
      row.querySelector('[data-field="logged_in"]').textContent = q.logged_in;
      row.querySelector('[data-field="ready"]').textContent = q.ready;
      row.querySelector('[data-field="callbacks"]').textContent = q.callbacks;
      row.querySelector('[data-field="answered"]').textContent = q.answered;
      row.querySelector('[data-field="abandoned"]').textContent = q.abandoned;
      row.querySelector('[data-field="service_level"]').textContent = q.service_level;
    }
    const overall = document.getElementById("overall");
    if (overall && data.overall) {
      for (const key of ["answered", "abandoned", "service_level"]) {
        overall.querySelector(`[data-field="${key}"]`).textContent = data.overall[key];
      }
    }
    const me = document.getElementById("my-state");
    if (me) {  // the workspace: a new offer or a state change redraws the contact card
      const mine = data.agents.find((a) => a.id === me.dataset.agent);
      if (mine && mine.state !== me.dataset.state) { window.location.reload(); return; }
    }
    for (const a of data.agents) {
      const row = document.querySelector(`tr[data-agent="${a.id}"]`);
      if (!row) continue;
      const state = row.querySelector('[data-field="state_name"]');
      state.textContent = stateNames[a.state] || a.state_name;
      state.className = "state " + a.state;
      row.querySelector('[data-field="in_state_s"]').textContent = a.in_state_s + " s";
    }
  };
})();
