"""The crash harness: a real ``paperbot post`` process, SIGKILLed and restarted, then counted."""
