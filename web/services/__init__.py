"""Business rules shared by several audiences: they flush, never commit."""
