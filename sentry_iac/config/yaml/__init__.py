"""Reading YAML: plain YAML only, bounded in size and depth, every value placed at its line."""
