"""Round trips of one answer: consult beside a bare echo bot, on one platform stand-in, in one run (issue 14)."""
