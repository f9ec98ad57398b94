"""One module per top-level command; each imports only what its command needs."""
