"""Build the disclosure site: python build.py [build|serve|check|new] …"""

from sunshine.cli import run

if __name__ == "__main__":
    run()
