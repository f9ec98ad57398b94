"""tarjama's glossary library: the glossary model, YAML I/O, Arabic normalization,
the term finder and lint. It never imports ``translator`` (the engine side)."""
