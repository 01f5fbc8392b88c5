"""The Telegram front end: thin handlers over the core."""
