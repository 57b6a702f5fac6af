"""`make bench`: figures for every speed target, each beside a reference measured in the same run."""
