"""Cases and their ODR stages, events, offers and settlements."""
