"""`python -m checker` is the same as the `gapcheck` command."""

from checker.cli import console

if __name__ == "__main__":
    console()
