"""The protocol: its deadlines and their arithmetic."""
