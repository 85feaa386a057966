"""The Slack front end: respondents in direct messages, the secretariat's /consult commands."""
