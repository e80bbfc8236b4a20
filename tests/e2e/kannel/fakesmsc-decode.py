#!/usr/bin/env python3
"""fakesmsc-decode - what Kannel's fake SMS centre received, as messages.

    fakesmsc-decode.py FAKESMSC_OUTPUT

fakesmsc (kannel-extras) prints each message bearerbox hands it as

    ... DEBUG: Got message 1: <10690001 13812345678 ucs-2 0%10l%BD...>
    ... DEBUG: Got message 2: <10690001 13812345678 udh %05%00%03%07%03%01 data N%00...>

a single UCS-2 SMS as "from to ucs-2 DATA", each part of a concatenated one
as "from to udh UDH data DATA": DATA and UDH are URL-encoded bytes (a '+'
is a space), DATA is UTF-16BE. This reassembles the parts by their
concatenation header (05 00 03 ref total seq), checks what a handset
relies on - every part present once, at most 134 octets of text behind the
header (140 for a single SMS), no part ending inside a surrogate pair - and
prints one JSON line per message, in order of arrival:

    {"from": "10690001", "to": "13812345678", "parts": 3,
     "part_units": [67, 67, 16], "text": "【沽源县人民法院】..."}

Exits 1, saying why, if anything is malformed or a message is incomplete.
"""

import json
import re
import sys
import urllib.parse

LINE = re.compile(r"Got message \d+: <(.*)>\s*$")


def octets(token):
    return urllib.parse.unquote_to_bytes(token.replace("+", " "))


def fail(why):
    sys.stderr.write("fakesmsc-decode: %s\n" % why)
    sys.exit(1)


def text_of(data, where):
    if len(data) % 2:
        fail("%s: an odd number of UCS-2 octets (%d)" % (where, len(data)))
    try:
        return data.decode("utf-16-be")
    except UnicodeDecodeError as e:
        fail("%s: not valid UTF-16BE on its own (%s): a character was cut "
             "between parts" % (where, e))


def main():
    if len(sys.argv) != 2:
        fail("usage: fakesmsc-decode.py FAKESMSC_OUTPUT")
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        lines = [m.group(1) for m in map(LINE.search, f) if m]
    out = []          # messages in order of arrival (first part)
    pending = {}      # (from, to, ref) -> message being reassembled
    for n, line in enumerate(lines, 1):
        tok = line.split(" ")
        where = "message %d" % n
        if len(tok) == 4 and tok[2] == "ucs-2":
            data = octets(tok[3])
            if len(data) > 140:
                fail("%s: %d octets in a single SMS" % (where, len(data)))
            out.append({"from": tok[0], "to": tok[1], "parts": 1,
                        "part_units": [len(data) // 2],
                        "text": text_of(data, where)})
            continue
        if len(tok) < 5 or tok[2] != "udh":
            fail("%s: unexpected line: %s" % (where, line))
        udh, data = octets(tok[3]), octets(tok[-1])
        if len(udh) != 6 or udh[:3] != b"\x05\x00\x03":
            fail("%s: not an 8-bit concatenation header: %s" % (where,
                                                               udh.hex()))
        ref, total, seq = udh[3], udh[4], udh[5]
        if not 1 <= seq <= total or len(data) > 134 or len(data) % 2:
            fail("%s: part %d/%d with %d octets" % (where, seq, total,
                                                    len(data)))
        if seq < total and 0xD8 <= data[-2] <= 0xDB:
            fail("%s: part %d/%d ends inside a surrogate pair" % (where, seq,
                                                                  total))
        key = (tok[0], tok[1], ref)
        msg = pending.get(key)
        if msg is None:
            msg = {"from": tok[0], "to": tok[1], "parts": total, "data": {}}
            pending[key] = msg
            out.append(msg)
        if msg["parts"] != total or seq in msg["data"]:
            fail("%s: part %d/%d of ref %d again or with another total"
                 % (where, seq, total, ref))
        msg["data"][seq] = data
        if len(msg["data"]) == total:
            del pending[key]
    for msg in out:
        if "data" in msg:
            if len(msg["data"]) != msg["parts"]:
                fail("a message to %s lacks parts: got %s of %d"
                     % (msg["to"], sorted(msg["data"]), msg["parts"]))
            parts = [msg["data"][s] for s in range(1, msg["parts"] + 1)]
            msg["part_units"] = [len(p) // 2 for p in parts]
            msg["text"] = text_of(b"".join(parts), "a concatenated message")
            del msg["data"]
        print(json.dumps(msg, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
