"""The pages, one module each: a ``render(canvas)`` function and its layout constants."""
