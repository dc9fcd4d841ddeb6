import sys

from loopsim_dask.cli import main

sys.exit(main())
