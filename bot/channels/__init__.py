"""The chat channels: one sub-package per service (Slack, Teams, Telegram), the console, the
shared aiohttp server and message-size helpers. Each knows its SDK and no policy."""
