"""The crash harness: real ``paperbot post`` or ``serve`` children SIGKILLed, restarted, counted."""
