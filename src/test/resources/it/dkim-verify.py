#!/usr/bin/python3
# An independent DKIM verifier for the tests: dkimpy (Debian's python3-dkim; Ed25519 through python3-nacl), with
# keys looked up at the DNS server given as HOST PORT (dnspython). Reads a message on standard input and prints one
# line per signature, "a=rsa-sha256 d=signed.test pass" or "... fail: reason".
import logging
import re
import sys

import dkim
import dns.resolver

host, port = sys.argv[1], int(sys.argv[2])
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = [host]
resolver.port = port


def txt(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    try:
        answer = resolver.resolve(name, "TXT", lifetime=timeout)
    except Exception:
        return None
    return b"".join(b"".join(record.strings) for record in answer)


class Reasons(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


message = sys.stdin.buffer.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
reasons = Reasons()
logger = logging.getLogger("dkimpy")
logger.addHandler(reasons)
logger.setLevel(logging.DEBUG)
checker = dkim.DKIM(message, logger=logger)
signatures = [value for name, value in checker.headers if name.lower() == b"dkim-signature"]
if not signatures:
    print("no signature")
for index, value in enumerate(signatures):
    text = value.decode("ascii", "replace")
    algorithm = re.search(r"a=([\w-]+)", text).group(1)
    domain = re.search(r"d=([\w.-]+)", text).group(1)
    reasons.messages.clear()
    try:
        ok = checker.verify(idx=index, dnsfunc=txt)
        detail = "" if ok else ": " + "; ".join(reasons.messages[-2:])
    except dkim.DKIMException as e:
        ok, detail = False, ": " + str(e)
    print("a=%s d=%s %s%s" % (algorithm, domain, "pass" if ok else "fail", detail))
