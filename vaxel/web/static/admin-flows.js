// The flow editor: changing a node's type redraws the form with that type's fields
// (the same as the "Uppdatera formuläret" button; nothing is saved).
document.querySelectorAll("select.node-type").forEach((select) => {
  select.addEventListener("change", () => {
    const refresh = select.form.querySelector('button[value="refresh"]');
    select.form.requestSubmit(refresh);
  });
});
