// The browser softphone (issue 15): the page's side of /telefon/ws (docs/webrtc.md).
// Plain JavaScript, no build step; CSP-compatible (no inline code).
"use strict";
(function () {
  const texts = JSON.parse(document.getElementById("softphone-texts").textContent);
  const start = document.getElementById("softphone-start");
  const mute = document.getElementById("softphone-mute");
  const hangup = document.getElementById("softphone-hangup");
  const state = document.getElementById("softphone-state");
  const error = document.getElementById("softphone-error");
  const banner = document.getElementById("softphone-banner");
  // Closes that another try cannot mend: a bug in the page, or not the app's own page.
  const FINAL = new Set([1009, 4400, 4403, 4429]);
  const MAX_RETRY_S = 30;
  let socket = null;
  let peer = null;
  let microphone = null;
  let wanted = false; // the agent turned the phone on and has not hung up
  let retries = 0;
  let retryTimer = null;

  function show(name) {
    state.textContent = texts[name];
    state.dataset.state = name;
  }
  function fail(text) {
    error.textContent = text;
    error.hidden = false;
  }
  function stop() {
    wanted = false;
    clearTimeout(retryTimer);
    banner.hidden = true;
    if (peer) peer.close();
    if (microphone) microphone.getTracks().forEach((t) => t.stop());
    if (socket && socket.readyState <= 1) socket.close(1000);
    peer = socket = microphone = null;
    start.disabled = false;
    mute.disabled = hangup.disabled = true;
    show("off");
    document.dispatchEvent(new CustomEvent("softphone:stopped"));
  }
  function dropped() {
    // The socket went while the phone was on: say so, try again after 1, 2, 4 … 30 s.
    if (peer) peer.close();
    peer = socket = null;
    mute.disabled = hangup.disabled = true;
    show("reconnecting");
    banner.textContent = texts.banner;
    banner.hidden = false;
    const delay = Math.min(MAX_RETRY_S, 2 ** retries);
    retries += 1;
    retryTimer = setTimeout(open, delay * 1000);
  }
  function gathered(pc) {
    // No trickle: the offer carries every candidate (docs/webrtc.md).
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc.iceGatheringState === "complete") resolve();
      });
    });
  }

  async function connect() {
    error.hidden = true;
    start.disabled = true;
    show("connecting");
    try {
      // the chosen microphone, when softphone_devices.js has one (docs/webrtc.md)
      const audio = { noiseSuppression: false, autoGainControl: false };
      if (window.vaxelSoftphoneDevices) Object.assign(audio, window.vaxelSoftphoneDevices.microphone());
      microphone = await navigator.mediaDevices.getUserMedia({ audio: audio });
    } catch (problem) {
      start.disabled = false;
      show("off");
      fail(problem && problem.name === "NotFoundError" ? texts.no_microphone : texts.denied);
      return;
    }
    wanted = true;
    retries = 0;
    document.dispatchEvent(new CustomEvent("softphone:microphone", { detail: microphone }));
    open();
  }

  function open() {
    if (!wanted) return;
    show("connecting");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(scheme + "//" + location.host + "/telefon/ws");
    const mine = socket;
    socket.addEventListener("message", async (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "answer" && peer) {
        await peer.setRemoteDescription({ type: "answer", sdp: message.sdp });
      } else if (message.type === "error") {
        fail(message.message);
      }
    });
    socket.addEventListener("close", (event) => {
      if (socket !== mine || !wanted) return;
      if (FINAL.has(event.code)) {
        fail(texts.closed);
        stop();
      } else {
        dropped();
      }
    });
    socket.addEventListener("open", async () => {
      // the tenant's STUN/TURN servers, fresh at every connect (a TURN credential may be
      // time-limited); none when they cannot be read: host candidates still work on a LAN
      const ice = await fetch("/telefon/ice", { cache: "no-store" })
        .then((response) => (response.ok ? response.json() : { iceServers: [] }))
        .catch(() => ({ iceServers: [] }));
      if (socket !== mine || !wanted) return;
      peer = new RTCPeerConnection({ iceServers: ice.iceServers });
      microphone.getTracks().forEach((track) => peer.addTrack(track, microphone));
      peer.addEventListener("connectionstatechange", () => {
        if (!peer) return;
        if (peer.connectionState === "connected") {
          retries = 0;
          banner.hidden = true;
          error.hidden = true;
          show("connected");
          mute.disabled = hangup.disabled = false;
        } else if (peer.connectionState === "failed") {
          fail(texts.failed);
          stop();
        }
      });
      await peer.setLocalDescription(await peer.createOffer());
      await gathered(peer);
      if (mine.readyState === 1) mine.send(JSON.stringify({ type: "offer", sdp: peer.localDescription.sdp }));
    });
  }

  async function switchMicrophone() {
    // Another microphone chosen while the phone is on: the call's track is replaced in
    // place (no new offer), the mute state kept, the old device let go.
    if (!wanted || !microphone || !window.vaxelSoftphoneDevices) return;
    const audio = { noiseSuppression: false, autoGainControl: false };
    Object.assign(audio, window.vaxelSoftphoneDevices.microphone());
    let fresh;
    try {
      fresh = await navigator.mediaDevices.getUserMedia({ audio: audio });
    } catch (problem) {
      fail(problem && problem.name === "NotFoundError" ? texts.no_microphone : texts.denied);
      return;
    }
    const muted = mute.getAttribute("aria-pressed") === "true";
    const track = fresh.getAudioTracks()[0];
    track.enabled = !muted;
    if (peer) {
      const sender = peer.getSenders().find((s) => s.track && s.track.kind === "audio");
      if (sender) await sender.replaceTrack(track);
    }
    microphone.getTracks().forEach((t) => t.stop());
    microphone = fresh;
    document.dispatchEvent(new CustomEvent("softphone:microphone", { detail: microphone }));
  }

  start.addEventListener("click", connect);
  document.addEventListener("softphone:choose-microphone", switchMicrophone);
  hangup.addEventListener("click", () => {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "hangup" }));
    stop();
  });
  mute.addEventListener("click", () => {
    const muted = mute.getAttribute("aria-pressed") !== "true";
    microphone.getAudioTracks().forEach((t) => (t.enabled = !muted));
    mute.setAttribute("aria-pressed", String(muted));
    mute.textContent = muted ? texts.unmute : texts.mute;
  });
})();
