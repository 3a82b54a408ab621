"""TODO(#13): what this package owns."""
