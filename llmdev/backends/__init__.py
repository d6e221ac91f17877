"""Model servers behind one interface; built-ins register through the plugin hooks."""
