"""Moving between apps: 'continue elsewhere' gives a one-time code that moves a response to another front end."""
