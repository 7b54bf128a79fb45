"""Opening hours, exceptions, Swedish holidays and eves, temporary closures (pure core)."""
