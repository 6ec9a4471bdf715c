import sys

from kuban.tools.cli import main

sys.exit(main())
