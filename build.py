#!/usr/bin/env python3
"""Vitrine: build, preview, scaffold and check the Label Actions innovantes showcase, and clean its photos.

Usage: python build.py [build|serve|new|check|clean-media] --help
"""
import sys

if __name__ == "__main__":
    # Imported here, not above: the processes the build starts fresh (PDF makers, the search index) run this file
    # again as their main module, and need none of the command line
    import gc

    from vitrine.cli import main

    status = main(sys.argv[1:])
    # The process ends here: what the command made is freed as it exits, not walked first by a last full collection
    # (20 ms after a build of 4,000 laureates)
    gc.freeze()
    sys.exit(status)
