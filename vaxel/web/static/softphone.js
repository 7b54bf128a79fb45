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
  let socket = null;
  let peer = null;
  let microphone = null;

  function show(name) {
    state.textContent = texts[name];
    state.dataset.state = name;
  }
  function fail(text) {
    error.textContent = text;
    error.hidden = false;
  }
  function stop() {
    if (peer) peer.close();
    if (microphone) microphone.getTracks().forEach((t) => t.stop());
    if (socket && socket.readyState <= 1) socket.close(1000);
    peer = socket = microphone = null;
    start.disabled = false;
    mute.disabled = hangup.disabled = true;
    show("off");
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
      microphone = await navigator.mediaDevices.getUserMedia({ audio: { noiseSuppression: false, autoGainControl: false } });
    } catch (problem) {
      start.disabled = false;
      show("off");
      fail(problem && problem.name === "NotFoundError" ? texts.no_microphone : texts.denied);
      return;
    }
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(scheme + "//" + location.host + "/telefon/ws");
    socket.addEventListener("message", async (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "answer" && peer) {
        await peer.setRemoteDescription({ type: "answer", sdp: message.sdp });
      } else if (message.type === "error") {
        fail(message.message);
      }
    });
    socket.addEventListener("close", () => {
      if (peer) fail(texts.closed);
      stop();
    });
    socket.addEventListener("open", async () => {
      peer = new RTCPeerConnection({ iceServers: [] });
      microphone.getTracks().forEach((track) => peer.addTrack(track, microphone));
      peer.addEventListener("connectionstatechange", () => {
        if (!peer) return;
        if (peer.connectionState === "connected") {
          show("connected");
          mute.disabled = hangup.disabled = false;
        } else if (peer.connectionState === "failed") {
          fail(texts.failed);
          stop();
        }
      });
      await peer.setLocalDescription(await peer.createOffer());
      await gathered(peer);
      socket.send(JSON.stringify({ type: "offer", sdp: peer.localDescription.sdp }));
    });
  }

  start.addEventListener("click", connect);
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
