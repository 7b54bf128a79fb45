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
  // ICE on a LAN takes well under a second; the server says how long to wait (15 s)
  const MEDIA_WAIT_MS = Number(texts.media_wait_ms) || 15000;
  const NOT_YET_UP = new Set(["new", "connecting"]);
  const remote = document.getElementById("softphone-remote");
  let socket = null;
  let peer = null;
  let microphone = null;
  let wanted = false; // the agent turned the phone on and has not hung up
  let retries = 0;
  let retryTimer = null;
  // Given with the server's answer: a dropped socket's call is taken back with it
  // (docs/webrtc.md "Reconnect without losing the call").
  let resumeToken = "";

  // -- call handling (issue 15 §2): ringing → Svara/Avvisa → keypad, Parkera, Lägg på ----
  const callBox = document.getElementById("softphone-call");
  const callText = document.getElementById("softphone-call-text");
  const offer = document.getElementById("softphone-offer");
  const talk = document.getElementById("softphone-talk");
  const hold = document.getElementById("softphone-hold");
  const ended = document.getElementById("softphone-call-ended");
  let call = null; // {id, caller, outgoing}
  const dialForm = document.getElementById("softphone-dial-form");
  const number = document.getElementById("softphone-number");
  const dial = document.getElementById("softphone-dial");
  const NUMBER = /^[0-9*#+]{1,32}$/;

  function signal(name, detail) {
    // the ring, the ringback and the notification are softphone_ring.js's
    document.dispatchEvent(new CustomEvent("softphone:" + name, { detail: detail }));
  }
  function canDial(on) {
    number.disabled = dial.disabled = !on;
  }

  function send(message) {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(message));
  }
  function callerOf(message) {
    const parts = [message.name, message.from].filter((part) => part);
    return parts.length ? parts.join(" ") : texts.unknown_caller;
  }
  function showCall(message) {
    call = { id: message.call, caller: callerOf(message) };
    ended.textContent = "";
    callText.textContent = texts.incoming.replace("{caller}", call.caller);
    callBox.hidden = false;
    offer.hidden = false;
    talk.hidden = true;
    document.getElementById("softphone-accept").focus();
    signal("ring", { caller: call.caller });
  }
  function showOutgoing(message) {
    call = { id: message.call, caller: message.to, outgoing: true };
    ended.textContent = "";
    callText.textContent = texts.calling.replace("{number}", message.to);
    callBox.hidden = false;
    offer.hidden = true;
    talk.hidden = false;
    hold.setAttribute("aria-pressed", "false");
    hold.textContent = texts.hold;
    document.getElementById("softphone-end").focus();
  }
  function showProgress(message) {
    callText.textContent = texts.progress.replace("{number}", call.caller);
    if (message.early) signal("quiet"); // the switch's own early media is heard instead
    else signal("ringback");
  }
  function showTalking() {
    if (!call) return;
    signal("quiet");
    callText.textContent = texts.talking.replace("{caller}", call.caller);
    offer.hidden = true;
    talk.hidden = false;
    hold.setAttribute("aria-pressed", "false");
    hold.textContent = texts.hold;
    transferNumber.value = "";
    document.getElementById("softphone-end").focus();
  }
  function showHeld(on) {
    hold.setAttribute("aria-pressed", String(on));
    hold.textContent = on ? texts.resume : texts.hold;
    callText.textContent = on ? texts.held : texts.talking.replace("{caller}", call.caller);
  }
  function endCall(reason) {
    signal("quiet");
    call = null;
    callBox.hidden = true;
    ended.textContent = reason || "";
    // the call's buttons are gone: focus where the next call starts (the start button is
    // disabled while the phone is on, and a disabled button takes no focus)
    (number.disabled ? start : number).focus();
  }
  function onCallMessage(message) {
    if (message.type === "ringing") showCall(message);
    else if (message.type === "calling") showOutgoing(message);
    else if (!call || message.call !== call.id) return;
    else if (message.type === "progress") showProgress(message);
    else if (message.type === "connected") showTalking();
    else if (message.type === "held") showHeld(message.on);
    else if (message.type === "ended") endCall(message.reason);
  }
  document.getElementById("softphone-accept").addEventListener("click", () => {
    signal("quiet");
    if (call) send({ type: "accept", call: call.id });
  });
  document.getElementById("softphone-decline").addEventListener("click", () => {
    signal("quiet");
    if (call) send({ type: "decline", call: call.id });
  });
  dialForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const dialled = number.value.replace(/[\s-]/g, "");
    if (!NUMBER.test(dialled)) {
      fail(texts.bad_number);
      number.focus();
      return;
    }
    error.hidden = true;
    send({ type: "dial", number: dialled });
  });
  document.getElementById("softphone-end").addEventListener("click", () => {
    if (call) send({ type: "end", call: call.id });
  });
  hold.addEventListener("click", () => {
    if (call) send({ type: "hold", call: call.id, on: hold.getAttribute("aria-pressed") !== "true" });
  });
  // Blind transfer (issue 15): the line REFERs the switch, as a desk phone's transfer key.
  const transferNumber = document.getElementById("softphone-transfer-number");
  document.getElementById("softphone-transfer").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!call) return;
    error.hidden = true;
    callText.textContent = texts.transferring.replace("{number}", transferNumber.value.trim());
    send({ type: "transfer", call: call.id, number: transferNumber.value.slice(0, 64) });
  });
  document.querySelectorAll(".softphone-key").forEach((key) => {
    key.addEventListener("click", () => {
      if (call) send({ type: "dtmf", call: call.id, digit: key.dataset.key });
    });
  });

  let lineText = ""; // "calls to extension … ring here", once the server bound the line
  function show(name) {
    state.textContent = name === "connected" && lineText ? lineText : texts[name];
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
    lineText = resumeToken = "";
    canDial(false);
    if (call) endCall(texts.closed);
    start.disabled = false;
    mute.disabled = hangup.disabled = true;
    show("off");
    document.dispatchEvent(new CustomEvent("softphone:stopped"));
  }
  function dropped() {
    // The socket went while the phone was on: say so, try again after 1, 2, 4 … 30 s.
    // A call on a media path that is still up is kept: the server keeps it for a while,
    // and the next socket takes it back (resume); anything else starts afresh.
    socket = null;
    canDial(false);
    if (!(call && peer && peer.connectionState === "connected" && resumeToken)) forget(texts.closed);
    hangup.disabled = true;
    mute.disabled = !peer;
    show("reconnecting");
    banner.textContent = texts.banner;
    banner.hidden = false;
    const delay = Math.min(MAX_RETRY_S, 2 ** retries);
    retries += 1;
    retryTimer = setTimeout(open, delay * 1000);
  }
  function forget(reason) {
    // the peer and its call are gone for good: the next socket makes a new peer
    if (peer) peer.close();
    peer = null;
    resumeToken = "";
    if (call) endCall(reason);
  }
  function resumed(message, mine) {
    if (!message.ok) {
      // the server no longer has the call (grace over, call ended, media failed)
      forget(texts.closed);
      offerPeer(mine);
      return;
    }
    retries = 0;
    banner.hidden = true;
    error.hidden = true;
    if (message.extension) {
      lineText = texts.line.replace("{extension}", message.extension);
      canDial(true);
    }
    show("connected");
    mute.disabled = hangup.disabled = false;
    if (call && call.id === message.call && message.state === "connected") {
      // as it is now, without moving the focus or clearing what was typed meanwhile
      offer.hidden = true;
      talk.hidden = false;
      showHeld(Boolean(message.held));
    } else if (call && call.id !== message.call) {
      endCall(texts.closed);
    }
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
      const missing = problem && problem.name === "NotFoundError";
      fail(missing ? texts.no_microphone : texts.denied);
      report(missing ? "no-microphone" : "denied");
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
        resumeToken = message.resume || "";
        await peer.setRemoteDescription({ type: "answer", sdp: message.sdp });
      } else if (message.type === "resumed") {
        resumed(message, mine);
      } else if (message.type === "error" && (message.code === "no-extension" || message.code === "no-switch")) {
        // the phone works, but no call can reach it: said where the state is, and kept
        lineText = message.message;
        if (state.dataset.state === "connected") state.textContent = lineText;
      } else if (message.type === "error") {
        fail(message.message);
        // a refused transfer: the call goes on as it was
        if (call && !talk.hidden) showHeld(hold.getAttribute("aria-pressed") === "true");
      } else if (message.type === "line") {
        lineText = texts.line.replace("{extension}", message.extension);
        if (state.dataset.state === "connected") state.textContent = lineText;
        canDial(true);
      } else {
        onCallMessage(message);
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
    socket.addEventListener("open", () => {
      if (peer && resumeToken) mine.send(JSON.stringify({ type: "resume", token: resumeToken }));
      else offerPeer(mine);
    });
  }

  async function offerPeer(mine) {
    // the tenant's STUN/TURN servers, fresh at every connect (a TURN credential may be
    // time-limited); none when they cannot be read: host candidates still work on a LAN
    const ice = await fetch("/telefon/ice", { cache: "no-store" })
      .then((response) => (response.ok ? response.json() : { iceServers: [] }))
      .catch(() => ({ iceServers: [] }));
    if (socket !== mine || !wanted) return;
    const pc = new RTCPeerConnection({ iceServers: ice.iceServers });
    peer = pc;
    microphone.getTracks().forEach((track) => pc.addTrack(track, microphone));
    pc.addEventListener("track", (event) => {
      remote.srcObject = event.streams[0] || new MediaStream([event.track]);
    });
    pc.addEventListener("connectionstatechange", () => {
      if (peer !== pc) return; // a peer this page replaced or closed
      if (!socket || socket.readyState !== 1) {
        // a kept call's media path failed while the socket was away: the next socket
        // makes a new peer (the server ends the call when its own peer fails)
        if (pc.connectionState === "failed") forget(texts.closed);
      } else if (pc.connectionState === "connected") {
        retries = 0;
        banner.hidden = true;
        error.hidden = true;
        show("connected");
        mute.disabled = hangup.disabled = false;
      } else if (pc.connectionState === "failed") {
        mediaFailed(socket);
      }
    });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    if (mine.readyState === 1) mine.send(JSON.stringify({ type: "offer", sdp: pc.localDescription.sdp }));
    // a blocked UDP path may leave ICE checking for long: not up in time counts as failed
    setTimeout(() => {
      if (peer === pc && socket === mine && NOT_YET_UP.has(pc.connectionState)) mediaFailed(mine);
    }, MEDIA_WAIT_MS);
  }

  function mediaFailed(mine) {
    // "Ljudet kom inte fram": the server is told first, so calls are not offered to this
    // phone (an agent with no desk phone is paused with the reason, docs/webrtc.md)
    if (mine.readyState === 1) mine.send(JSON.stringify({ type: "unable", reason: "media-failed" }));
    fail(texts.failed);
    stop();
  }

  function report(reason) {
    // No microphone or no permission: no phone is opened, but the server hears why, so an
    // agent with no other phone is paused with the reason instead of offered calls.
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const once = new WebSocket(scheme + "//" + location.host + "/telefon/ws");
    once.addEventListener("open", () => {
      once.send(JSON.stringify({ type: "unable", reason: reason }));
      once.close(1000);
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

  // Leaving the page ends its call at once (no grace period: nobody will take it back).
  window.addEventListener("pagehide", () => {
    if (wanted) send({ type: "hangup" });
  });
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
