"""The deployment's working calendar: shipped and local override files, the overrides admins
enter in the database, and moving open dossiers' due times when they change."""
