#!/usr/bin/python3
"""Parses messages with Python's email package (an independent MIME parser) and prints what a test checks, as JSON.

Usage: parse-mail.py [--sink] FILE...
  --sink: the files are smtp-sink dumps (its X-* envelope headers, then the message with LF line ends and one LF more
          at the end, which is dropped); crlf_only then says nothing
"""
import email
import email.policy
import hashlib
import json
import sys

args = sys.argv[1:]
sink = bool(args) and args[0] == '--sink'
if sink:
    args = args[1:]
out = []
for name in args:
    raw = open(name, 'rb').read()
    if sink and raw.endswith(b'\n'):
        raw = raw[:-1]  # smtp-sink's own
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            parts.append({'type': part.get_content_type()})
            continue
        content = part.get_content()
        payload = part.get_payload(decode=True) or b''
        parts.append({
            'type': part.get_content_type(),
            'filename': part.get_filename(),
            'content_id': part.get('Content-ID'),
            'disposition': part.get_content_disposition(),
            'text': content if isinstance(content, str) else content.decode('utf-8', 'replace'),
            'size': len(payload),
            'sha256': hashlib.sha256(payload).hexdigest(),
        })
    out.append({
        'file': name,
        'subject': str(msg['subject']) if msg['subject'] is not None else None,
        'from': str(msg['from']) if msg['from'] is not None else None,
        'to': str(msg['to']) if msg['to'] is not None else None,
        'cc': str(msg['cc']) if msg['cc'] is not None else None,
        'bcc': str(msg['bcc']) if msg['bcc'] is not None else None,
        'reply_to': str(msg['reply-to']) if msg['reply-to'] is not None else None,
        'message_id': msg['message-id'],
        'addresses': {f: [[a.display_name, a.addr_spec] for a in msg[f].addresses] if msg[f] is not None else None
                      for f in ('from', 'to', 'cc', 'reply-to')},
        'headers': {k: str(v) for k, v in msg.items() if k.lower().startswith('x-') and not k.lower().startswith(
            ('x-client', 'x-helo', 'x-mail-args', 'x-rcpt-args'))},
        'rcpt': [r.strip('<>') for r in (msg.get_all('X-Rcpt-Args') or [])],
        'defects': [type(d).__name__ for d in msg.defects] + [type(d).__name__ for p in msg.walk() for d in p.defects],
        'crlf_only': b'\n' not in raw.replace(b'\r\n', b'') and b'\r' not in raw.replace(b'\r\n', b''),
        'parts': parts,
    })
print(json.dumps(out, ensure_ascii=False))
