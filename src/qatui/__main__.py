"""Allow `python -m qatui`."""

from qatui.cli import main

raise SystemExit(main())
