from vaxel.cli import main

raise SystemExit(main())
