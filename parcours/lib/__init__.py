"""Small pure helpers with no Django in them, each with its own test."""
