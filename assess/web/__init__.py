"""Web layer: app factory, dependencies, routers, security and i18n glue."""
