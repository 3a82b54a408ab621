"""console adapter: translates core values to and from the platform."""
