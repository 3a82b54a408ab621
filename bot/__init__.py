"""paperbot: Hugging Face Daily Papers summary cards for Discord and Slack."""

__version__ = "0.1.0"
