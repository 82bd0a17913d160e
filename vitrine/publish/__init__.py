"""The only writer of the output folder: a staging tree, the atomic swap, the lock, recovery after a crash."""
