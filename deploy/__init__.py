"""What a deployment needs besides the code: a web server's site, the several-hosts rehearsal."""
