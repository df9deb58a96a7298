"""statusbot: writes a daily status page and publishes it to GitHub Pages."""

__version__ = "0.1.0"
