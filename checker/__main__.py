"""`python -m checker` is the same as the `gapcheck` command."""

from .cli import main

if __name__ == "__main__":
    main()
