"""Media: RTP, G.711, RFC 4733 DTMF, prompt player, bridge, recorder (sans-I/O parts), and the
``MediaBackend`` interface with its built-in asyncio engine (``vaxel.media.engine``)."""
