"""The PBX (issue 14): numbering plan, devices, forwarding, voicemail, conferences, trunks.
Pure cores: no I/O, time is passed in; telephony and the runtime are their adapters."""
