// The browser phone's sounds and desktop notification (issue 15 §2, docs/webrtc.md).
// Tones are made with Web Audio (no sound file): an incoming call rings (two short bursts
// of 650/800 Hz every 3 s) until it is answered, declined or cancelled; a call the page
// dialled plays the Swedish ringback (425 Hz, 1 s on, 5 s off) until the other end answers.
// A desktop notification is shown for an incoming call only when the person allowed it,
// asked for with the page's button — never on page load.
// softphone.js drives it through document events: softphone:ring {caller},
// softphone:ringback, softphone:quiet. The page's state says what plays:
// document.documentElement.dataset.softphoneSound = "ring" | "ringback" | "".
"use strict";
(function () {
  const texts = JSON.parse(document.getElementById("softphone-texts").textContent);
  const button = document.getElementById("softphone-notify");
  const notifyState = document.getElementById("softphone-notify-state");
  const PATTERNS = {
    // [frequency Hz, on s, off s] steps, repeated
    ring: [[650, 0.4, 0.2], [800, 0.4, 2.0]],
    ringback: [[425, 1.0, 5.0]],
  };
  let context = null;
  let playing = null; // {oscillator, gain, timer}
  let notice = null;

  function audio() {
    // made on the first click of the page (the start button): a context made later,
    // without a user gesture, may be kept suspended by the autoplay policy
    if (!context && window.AudioContext) context = new AudioContext();
    if (context && context.state === "suspended") context.resume().catch(() => {});
    return context;
  }

  function quiet() {
    if (playing) {
      clearTimeout(playing.timer);
      playing.gain.gain.cancelScheduledValues(0);
      playing.gain.gain.value = 0;
      playing.oscillator.stop();
      playing.oscillator.disconnect();
      playing = null;
    }
    document.documentElement.dataset.softphoneSound = "";
    if (notice) {
      notice.close();
      notice = null;
    }
  }

  function play(name) {
    quiet();
    const ctx = audio();
    if (!ctx) return;
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    gain.gain.value = 0;
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start();
    playing = { oscillator: oscillator, gain: gain, timer: null };
    const mine = playing;
    const steps = PATTERNS[name];
    let index = 0;
    function step() {
      if (playing !== mine) return;
      const [hz, on, off] = steps[index % steps.length];
      index += 1;
      const now = ctx.currentTime;
      oscillator.frequency.setValueAtTime(hz, now);
      gain.gain.setValueAtTime(0.2, now);
      gain.gain.setValueAtTime(0, now + on);
      mine.timer = setTimeout(step, (on + off) * 1000);
    }
    step();
    document.documentElement.dataset.softphoneSound = name;
  }

  function notify(caller) {
    if (!window.Notification || Notification.permission !== "granted") return;
    try {
      notice = new Notification(texts.notify_title, { body: caller, tag: "vaxel-softphone" });
      notice.addEventListener("click", () => {
        window.focus();
        const accept = document.getElementById("softphone-accept");
        if (accept) accept.focus();
      });
    } catch (problem) {
      notice = null; // e.g. a browser that allows notifications from service workers only
    }
  }

  function showPermission() {
    if (!window.Notification) {
      button.hidden = true;
      notifyState.textContent = texts.notify_missing;
    } else if (Notification.permission === "granted") {
      button.hidden = true;
      notifyState.textContent = texts.notify_on;
    } else if (Notification.permission === "denied") {
      button.hidden = true;
      notifyState.textContent = texts.notify_denied;
    }
  }

  button.addEventListener("click", async () => {
    audio();
    if (window.Notification) await Notification.requestPermission();
    showPermission();
  });
  document.getElementById("softphone-start").addEventListener("click", audio);
  document.addEventListener("softphone:ring", (event) => {
    play("ring");
    notify(event.detail && event.detail.caller);
  });
  document.addEventListener("softphone:ringback", () => play("ringback"));
  document.addEventListener("softphone:quiet", quiet);
  document.documentElement.dataset.softphoneSound = "";
  showPermission();
})();
