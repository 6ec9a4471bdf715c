"""`python -m kuban.tools.bench --phase …`: one phase of the bench in a process of its own (kuban.tools.bench.main)."""
import sys

from kuban.tools.bench import main

sys.exit(main())
