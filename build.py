#!/usr/bin/env python3
"""Vitrine: build, preview, scaffold and check the Label Actions innovantes showcase, and clean its photos.

Usage: python build.py [build|serve|new|check|clean-media] --help
"""
import sys

from vitrine.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
