"""Routing of interconnected (liên thông) dossiers between agencies, step by step."""
