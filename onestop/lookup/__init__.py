"""What a citizen sees of a dossier without logging in."""
