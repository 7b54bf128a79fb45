"""IVR call flows as data, and their pure interpreter."""
