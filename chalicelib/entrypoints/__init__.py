"""The entry layer: the decorators and handlers that connect Chalice to the container (the only layer that may)."""
