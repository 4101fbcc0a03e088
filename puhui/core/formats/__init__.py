"""The project's own locale formats (settings.FORMAT_MODULE_PATH), over Django's."""
