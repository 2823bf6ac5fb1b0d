"""The plan importer: upload or paste a plan, preview it, confirm it (the parser is `tasks.importers`)."""
