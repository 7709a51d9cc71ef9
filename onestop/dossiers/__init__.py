"""Dossiers: the record of each dossier, its state machine and its audit events."""
