#!/usr/bin/python3
# Signs a message with dkimpy (Debian's python3-dkim), an implementation independent of ours, for the inbound tests:
#   dkim-sign.py DOMAIN SELECTOR KEYFILE CANONICALIZATION < message > signed-message
# CANONICALIZATION is header/body, e.g. relaxed/relaxed or simple/simple. RSA keys in PKCS#8 or PKCS#1 PEM.
import sys

import dkim

domain, selector, keyfile, canonicalization = sys.argv[1:5]
message = sys.stdin.buffer.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
with open(keyfile, "rb") as f:
    key = f.read()
header, body = canonicalization.encode().split(b"/")
signature = dkim.sign(message, selector.encode(), domain.encode(), key, canonicalize=(header, body),
                      include_headers=[b"from", b"to", b"subject", b"date"])
sys.stdout.buffer.write(signature + message)
