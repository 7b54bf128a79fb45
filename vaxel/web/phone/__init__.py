""" "Min telefon" (issue 14 §9): each staff member's own devices, forwarding and voicemail,
one module per part."""
