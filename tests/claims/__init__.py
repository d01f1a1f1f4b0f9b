"""La suite des affirmations des chapitres (voir conftest.py)."""
