"""`python -m cleanpipe`: the same command line as the `cleanpipe` script."""

from cleanpipe.cli import main

if __name__ == "__main__":
    main()
