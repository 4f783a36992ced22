"""The Qt desktop interface: a thin layer over the core."""
