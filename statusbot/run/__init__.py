"""One run of statusbot: the day's window, the workspace, collect, render and publish steps."""
