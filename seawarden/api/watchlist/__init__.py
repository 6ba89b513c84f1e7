"""Watch-list: read, edit and import the register persisted in the store (every access audited)."""
