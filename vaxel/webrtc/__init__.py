"""The browser softphone's media adapter (issue 15): WebRTC peers made with aiortc."""
