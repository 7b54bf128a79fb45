"""Sans-I/O SIP (RFC 3261 and friends): messages, parser, transactions, dialogs, SDP, auth.

Only ``vaxel.sip.transport`` does I/O (asyncio UDP/TCP); everything else takes bytes and the
current time and returns messages, effects and deadlines.
"""
