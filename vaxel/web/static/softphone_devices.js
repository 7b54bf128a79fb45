// The browser phone's microphone and speaker choice and its input level meter (issue 15 §2).
// Plain JavaScript, no build step, no inline code. softphone.js asks for the chosen
// microphone (window.vaxelSoftphoneDevices.microphone()) and tells this file when it has
// the microphone ("softphone:microphone") and when it stopped ("softphone:stopped"); this
// file tells it a new microphone was chosen ("softphone:choose-microphone").
// A page element playing the other party's audio gets the chosen speaker with
// window.vaxelSoftphoneDevices.output(audioElement) (every <audio> of the page on a change).
"use strict";
(function () {
  const texts = JSON.parse(document.getElementById("softphone-texts").textContent);
  const micSelect = document.getElementById("softphone-microphone");
  const speakerSelect = document.getElementById("softphone-speaker");
  const speakerNote = document.getElementById("softphone-speaker-note");
  const meter = document.getElementById("softphone-level");
  const KEYS = { audioinput: "vaxel.softphone.microphone", audiooutput: "vaxel.softphone.speaker" };
  const canChooseSpeaker = "setSinkId" in HTMLMediaElement.prototype;
  let listening = null; // { context, timer } while the meter runs

  function saved(kind) {
    try {
      return localStorage.getItem(KEYS[kind]) || "";
    } catch (e) {
      return ""; // storage switched off: the system's default
    }
  }
  function save(kind, id) {
    try {
      if (id) localStorage.setItem(KEYS[kind], id);
      else localStorage.removeItem(KEYS[kind]);
    } catch (e) {
      /* storage switched off: the choice lasts for this page only */
    }
  }
  function fill(select, kind, devices) {
    const chosen = select.value || saved(kind);
    while (select.options.length > 1) select.remove(1);
    let n = 0;
    devices
      .filter((d) => d.kind === kind && d.deviceId && d.deviceId !== "default")
      .forEach((d) => {
        n += 1;
        select.add(new Option(d.label || texts.device.replace("{n}", n), d.deviceId));
      });
    select.value = Array.from(select.options).some((o) => o.value === chosen) ? chosen : "";
  }
  async function list() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    const devices = await navigator.mediaDevices.enumerateDevices();
    fill(micSelect, "audioinput", devices);
    if (canChooseSpeaker) fill(speakerSelect, "audiooutput", devices);
  }
  function output(element) {
    const id = speakerSelect.value;
    if (!canChooseSpeaker || !element) return Promise.resolve();
    return element.setSinkId(id).catch(() => {});
  }

  function stopMeter() {
    if (listening) {
      clearInterval(listening.timer);
      listening.context.close();
      listening = null;
    }
    meter.value = 0;
    meter.textContent = "0";
  }
  function startMeter(stream) {
    stopMeter();
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    const context = new Context();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // the square root of the RMS: a quiet voice still moves the bar
      const level = Math.min(1, Math.sqrt(Math.sqrt(sum / samples.length)));
      meter.value = level;
      meter.textContent = level.toFixed(2);
    }, 100);
    listening = { context: context, timer: timer };
    context.resume();
  }

  if (!canChooseSpeaker) {
    speakerSelect.disabled = true;
    speakerNote.hidden = false;
  }
  micSelect.addEventListener("change", () => {
    save("audioinput", micSelect.value);
    // softphone.js moves an open phone to it at once
    document.dispatchEvent(new CustomEvent("softphone:choose-microphone"));
  });
  speakerSelect.addEventListener("change", () => {
    save("audiooutput", speakerSelect.value);
    document.querySelectorAll("audio").forEach(output);
  });
  document.addEventListener("softphone:microphone", (event) => {
    list();
    startMeter(event.detail);
  });
  document.addEventListener("softphone:stopped", stopMeter);
  if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener("devicechange", list);
  }
  list();

  window.vaxelSoftphoneDevices = {
    microphone() {
      const id = micSelect.value || saved("audioinput");
      return id ? { deviceId: { ideal: id } } : {};
    },
    speaker() {
      return canChooseSpeaker ? speakerSelect.value : "";
    },
    output: output,
  };
})();
