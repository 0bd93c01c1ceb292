"""Reports of the main job: figures (optional matplotlib) and the markdown report."""
