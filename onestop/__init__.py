"""onestop: the software of a Vietnamese one-stop reception centre (bộ phận một cửa)."""

__version__ = "0.1.0"
