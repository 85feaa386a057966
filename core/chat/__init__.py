"""What every chat front end (Telegram, Slack) decides the same way: buttons, message parts, admin commands.

Platform-free: the adapters turn these into Bot API calls or Block Kit.
"""
