"""Build the disclosure site: python build.py [build|serve|check|new] …"""

import sys

from sunshine.cli import main

if __name__ == "__main__":
    sys.exit(main())
