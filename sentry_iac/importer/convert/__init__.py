"""What was read from Sentry -> our vocabulary, each alert checked against what the program
would send."""
