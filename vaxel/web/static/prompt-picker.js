// Prompt pickers (issue 9 §6): listen to the prompt an input names, and add a picked prompt
// to a list of prompts ("sv/a, sv/b"). The inputs offer the page's <datalist id="prompt-ids">.
(function () {
  "use strict";

  function lastPrompt(text) {
    const ids = text.split(",").map((id) => id.trim().replace(/^!/, "")).filter(Boolean);
    return ids.length ? ids[ids.length - 1] : "";
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-play]");
    if (!button) return;
    const input = document.getElementById(button.dataset.play);
    const prompt = input ? lastPrompt(input.value) : "";
    if (!prompt) return;
    let audio = button.nextElementSibling;
    if (!audio || audio.tagName !== "AUDIO") {
      audio = document.createElement("audio");
      audio.controls = true;
      button.after(audio);
    }
    audio.src = "/admin/prompts/audio/" + prompt.split("/").map(encodeURIComponent).join("/");
    audio.play().catch(() => {});
  });

  document.addEventListener("change", (event) => {
    const picker = event.target.closest("input[data-add-to]");
    if (!picker || !picker.value.trim()) return;
    const input = document.getElementById(picker.dataset.addTo);
    if (!input) return;
    const current = input.value.trim();
    input.value = current ? current + ", " + picker.value.trim() : picker.value.trim();
    picker.value = "";
  });
})();
