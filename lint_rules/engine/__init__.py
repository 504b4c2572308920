"""The engine: runs the rules over files, and owns configuration, suppression and fixes."""
