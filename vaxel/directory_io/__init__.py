"""Import and export of the directory as CSV and XML (issue 13 §3, DIR5): an adapter
between files and :class:`vaxel.store.directory.DirectoryStore`. Formats in
``docs/directory.md``."""

from vaxel.directory_io.errors import ImportRefused
from vaxel.directory_io.transfer import FileFormat, export_directory, import_directory

__all__ = ["FileFormat", "ImportRefused", "export_directory", "import_directory"]
