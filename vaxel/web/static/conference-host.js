// The host view of a conference room (PBX6): the participants' rows are fetched again every
// few seconds and replaced only when they changed, and never while a button in them has
// the keyboard focus, so a keyboard user is not thrown out of the table.
(function () {
  "use strict";
  const table = document.getElementById("participants");
  if (!table) return;
  const body = table.querySelector("tbody");
  const url = table.dataset.rows;
  let last = body.innerHTML.trim();
  async function refresh() {
    if (body.contains(document.activeElement)) return;
    try {
      const answer = await fetch(url, { credentials: "same-origin" });
      if (!answer.ok) return;
      const rows = (await answer.text()).trim();
      if (rows !== last) {
        body.innerHTML = rows;
        last = rows;
      }
    } catch (error) {
      // the next turn tries again
    }
  }
  setInterval(refresh, 3000);
})();
