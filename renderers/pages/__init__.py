"""The pages, one module each: a ``render(frame)`` function and its layout constants."""
