"""The Telegram front end (python-telegram-bot v22): private chats for respondents, commands for the secretariat."""
