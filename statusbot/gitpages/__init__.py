"""Git: the one way to run git, and the Pages branch it writes."""
