"""Swedish phrases (numbers, ordinals, durations) as prompt-file sequences."""
