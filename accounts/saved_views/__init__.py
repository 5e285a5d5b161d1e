"""Saved views of the account list: a user's named filters and sort order."""
