"""Staff accounts: users with a role and an agency, web login and API tokens."""
