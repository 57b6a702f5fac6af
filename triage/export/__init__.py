"""Exports: labeled sets for retraining and findings for people, behind both the CLI and the console."""
