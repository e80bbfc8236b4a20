#!/usr/bin/env python3
"""make-corpus.py - (re)write the seed corpora of tests/fuzz from real inputs.

    python3 tests/fuzz/make-corpus.py        # from the repository root

Seeds are named seed-<what>-<sha1 prefix>; files libFuzzer added (make
fuzz-merge) have bare sha1 names and are left alone. Sources:

  config   tests/configs/{good,bad}/*.conf, config/huigao.conf.example and
           tests/fuzz/gateways.conf, with @include and *_file paths turned
           into the plain names fuzz_config provides (steps.conf, secret,
           secret-open, empty), and the good ones again with the default
           catalogue inlined
  render   every step text of config/steps.conf with params as the court's
           application writes them, and the templates of tests/unit/test_text.c
  text     phone numbers, case numbers, names, dates, e-mail addresses and
           SMS texts: the string literals of tests/unit/test_text.c and
           test_policy.c, the step texts, and the texts of the goldens
  parse    the answer tables of tests/unit/test_{webhook,aliyun,tencent,
           twilio,kannel,robots}.c, tests/golden/{wechat,wechat-token,smtp}-
           answers.txt, the examples of reference/gateways.md
  receipt  the receipts of tests/unit/test_receipt.c and reference/gateways.md,
           callback URIs
"""
import hashlib
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUZZ = os.path.join(ROOT, "tests", "fuzz")
CORPUS = os.path.join(FUZZ, "corpus")
REFERENCE = os.environ.get("HUIGAO_REFERENCE", "/work/shared/reference/gateways.md")

# fuzz_parse: byte 0 % 11 picks the gateway, byte 1 the status (its table)
GATEWAYS = ["webhook", "aliyun", "tencent", "twilio", "kannel", "wechat",
            "smtp", "wecom", "dingtalk", "feishu", "wechat-short"]
STATUSES = [200, 201, 202, 204, 400, 401, 403, 404, 405, 408, 409, 413, 415,
            422, 425, 429, 500, 501, 502, 503, 504, 0, 100, 250, 251, 301,
            302, 421, 432, 450, 451, 452, 454, 500, 530, 534, 535, 538, 550,
            552, 554, 599, 600, 999, -1, 1, 299, 300, 399, 499]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def rel(path):
    return os.path.join(ROOT, path)


class Corpus:
    """The seeds of one target: written once each, counted."""

    def __init__(self, target):
        self.dir = os.path.join(CORPUS, target)
        os.makedirs(self.dir, exist_ok=True)
        for name in os.listdir(self.dir):
            if name.startswith("seed-"):
                os.unlink(os.path.join(self.dir, name))
        self.seen = set()

    def add(self, what, data):
        if isinstance(data, str):
            data = data.encode()
        if data in self.seen:
            return
        self.seen.add(data)
        what = re.sub(r"[^A-Za-z0-9_.-]+", "-", what)[:40]
        name = "seed-%s-%s" % (what, hashlib.sha1(data).hexdigest()[:10])
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)

    def __len__(self):
        return len(self.seen)


# ---- C string literals, through the preprocessor so macros expand ----

ESC = {"n": b"\n", "t": b"\t", "r": b"\r", "0": b"\0", "\\": b"\\",
       '"': b'"', "'": b"'", "a": b"\a", "b": b"\b", "f": b"\f", "v": b"\v",
       "?": b"?", "e": b"\x1b"}
LIT = r'"(?:[^"\\\n]|\\.)*"'
LITS = r"(?:%s\s*)+" % LIT


def c_string(lits):
    """The bytes of adjacent C string literals."""
    out = b""
    for lit in re.findall(LIT, lits):
        s = lit[1:-1].encode()
        i = 0
        while i < len(s):
            c = s[i:i + 1]
            if c != b"\\":
                out += c
                i += 1
                continue
            e = s[i + 1:i + 2].decode("latin-1")
            if e == "x":
                m = re.match(rb"[0-9a-fA-F]+", s[i + 2:])
                out += bytes([int(m.group(0), 16) & 0xff])
                i += 2 + len(m.group(0))
            elif e in "01234567":
                m = re.match(rb"[0-7]{1,3}", s[i + 1:])
                out += bytes([int(m.group(0), 8) & 0xff])
                i += 1 + len(m.group(0))
            elif e in ("u", "U"):
                n = 4 if e == "u" else 8
                out += chr(int(s[i + 2:i + 2 + n], 16)).encode()
                i += 2 + n
            else:
                out += ESC.get(e, e.encode())
                i += 2
    return out


def preprocess(path):
    """The test file after cpp: only its own lines, macros expanded."""
    flags = subprocess.run(["pkg-config", "--cflags", "jansson", "libconfig",
                            "libevent"], capture_output=True, text=True).stdout.split()
    r = subprocess.run(["cc", "-E", "-D_GNU_SOURCE", "-I" + rel("daemon"),
                        "-I" + rel("adapters")] + flags + [rel(path)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("make-corpus: cpp %s: %s" % (path, r.stderr))
    own, keep = False, []
    for line in r.stdout.split("\n"):
        m = re.match(r'# \d+ "([^"]*)"', line)
        if m:
            own = os.path.abspath(m.group(1)) == rel(path)
        elif own:
            keep.append(line)
    return "\n".join(keep)


def literals(path):
    """Every run of adjacent string literals in a test file, decoded."""
    return [c_string(m) for m in re.findall(LITS, preprocess(path))]


def answers(path):
    """(gateway or None, status, body) rows of an answer table."""
    rows = []
    pat = r'\{\s*(?:"(\w+)"\s*,\s*)?(-?\d{1,3})\s*,\s*(%s)' % LITS
    for gw, status, body in re.findall(pat, preprocess(path)):
        rows.append((gw or None, int(status), c_string(body)))
    return rows


# ---- config ----

def config_seed(data):
    """An @include and every *_file of a test config, made plain names."""
    data = re.sub(rb'@include\s+"[^"]*steps\.conf"', b'@include "steps.conf"', data)
    data = re.sub(rb'@include\s+"[^"]*"', b'@include "no-such-file.conf"', data)

    def secret(m):
        v = m.group(2)
        if b"no-such" in v or b"nonexistent" in v or b"missing" in v:
            name = b"no-such-secret"
        elif b"open" in v:
            name = b"secret-open"
        else:
            name = b"secret"
        return m.group(1) + b'"' + name + b'"'
    return re.sub(rb'(\w+_file\s*=\s*)"([^"]*)"', secret, data)


def inline_steps(data, steps):
    return data.replace(b'@include "steps.conf"', steps)


def seed_config():
    c = Corpus("config")
    steps = read(rel("config/steps.conf"))
    files = []
    for kind in ("good", "bad"):
        d = rel("tests/configs/" + kind)
        files += [(kind + "-" + f[:-5], os.path.join(d, f))
                  for f in sorted(os.listdir(d)) if f.endswith(".conf")]
    files.append(("example", rel("config/huigao.conf.example")))
    files.append(("gateways", os.path.join(FUZZ, "gateways.conf")))
    for what, path in files:
        data = config_seed(read(path))
        c.add(what, data)
        if what.startswith("good") or what in ("example", "gateways"):
            c.add(what + "-inline", inline_steps(data, steps))
    c.add("steps-only", steps)
    c.add("empty", b"")
    return c


# ---- render ----

PARAMS = {
    "amount": "123456.78", "asset": "位于沽源县平定堡镇的房产一处",
    "deadline": "2024-06-30", "judge": "李法官", "phone": "0313-5123456",
    "result": "已全部履行", "reason": "被执行人无可供执行的财产",
    "measure": "限制高消费", "method": "网络司法拍卖", "platform": "淘宝网",
    "round": 1, "days": 15, "count": 3, "party": "欧阳娜娜",
    "new_court": "张家口市中级人民法院", "new_case_no": "(2024)冀07执12号",
    "mode": "线上", "auction_date": "2024-07-01T10:00:00+08:00",
}


def json_dumps(obj):
    import json
    return json.dumps(obj, ensure_ascii=False)


def step_texts():
    text = read(rel("config/steps.conf")).decode()
    return [c_string(m).decode() for m in
            re.findall(r'\btext\s*=\s*(%s)\s*;' % LITS, text)]


def seed_render():
    c = Corpus("render")
    params = json_dumps(PARAMS).encode()
    for i, t in enumerate(step_texts()):
        c.add("step", t.encode() + b"\0" + params)
    c.add("reals", b"{a}|{b}|{c}|{d}|{e}\0" + json_dumps(
        {"a": 123456, "b": 123456.78, "c": 15.0, "d": -3,
         "e": 10000000000000000}).encode())
    c.add("braces", b"{{a}} {{{amount}}} }}{{\0{\"amount\": \"1\"}")
    c.add("builtins", "{court}:{case_no}案{step}，{date}，{name}\0{}".encode())
    c.add("party", "追加{party}为被执行人\0{\"party\": \"张三\"}".encode())
    c.add("date-param", b"{deadline}\0{\"deadline\": \"2024-02-29\"}")
    c.add("not-object", b"{amount}\0[1,2]")
    c.add("nested", b"{amount}\0{\"amount\": {\"x\": 1}}")
    c.add("no-params", "{case_no}案已结案。".encode())
    c.add("unbalanced", b"{amount\0{}")
    c.add("bad-key", b"{a-b}\0{}")
    for lit in literals("tests/unit/test_text.c"):
        if b"{" in lit:
            c.add("test-text", lit + b"\0" + params)
    return c


# ---- text ----

def seed_text():
    c = Corpus("text")
    for path in ("tests/unit/test_text.c", "tests/unit/test_policy.c"):
        for lit in literals(path):
            if 0 < len(lit) <= 512 and b"%" not in lit:
                c.add(os.path.basename(path)[5:-2], lit)
    for t in step_texts():
        c.add("step", "【沽源县人民法院】" + t)
    for g in sorted(os.listdir(rel("tests/golden"))):
        for m in re.finditer(rb'"text":"((?:[^"\\]|\\.)*)"', read(rel("tests/golden/" + g))):
            c.add("golden", m.group(1))
    for s in ("13812345678", "+86 138-1234-5678", "0086 (138) 1234.5678",
              "86 13812345678", "12812345678", "1381234567", "138123456789",
              "\u3000138 1234 5678\u3000", "０１３８", "(2024)冀0724执1234号",
              "（2024）冀0724执恢1234号", "〔2015〕沽执字第123号",
              "(2019)最高法知民终1号", "(2024)兵09执1号", "(2024)军执1号",
              "王小明", "欧阳娜娜", "沽源县农村信用合作社", "John Smith",
              "  张三  ", "2024-06-30", "2024-02-29", "2023-02-29",
              "2024-06-30T10:00:00+08:00", "2024-06-30 10:00", "08:00",
              "24:00", "wang@example.org", "w@x.cn", "a@b", "@example.org",
              "€[]{}^~|\\", "👍🏽👨‍👩‍👧‍👦🇨🇳", "é\u0301", "Ω" * 80,
              "A" * 161, "中" * 71, "中" * 134 + "😀"):
        c.add("sample", s)
    return c


# ---- parse ----

def parse_input(gw, status, body, how=0):
    try:
        b1 = STATUSES.index(status)
    except ValueError:
        if status >= 100 and (status - 100) % 4 == 0 and \
                (status - 100) // 4 + len(STATUSES) < 256:
            b1 = (status - 100) // 4 + len(STATUSES)
        else:
            b1 = 0
    b0 = GATEWAYS.index(gw) + len(GATEWAYS) * how
    return bytes([b0, b1]) + body


def seed_parse():
    c = Corpus("parse")
    tables = {"webhook": "test_webhook", "aliyun": "test_aliyun",
              "tencent": "test_tencent", "twilio": "test_twilio",
              "kannel": "test_kannel", "robots": "test_robots",
              "wechat": "test_wechat", "smtp": "test_smtp"}
    for key, test in sorted(tables.items()):
        for gw, status, body in answers("tests/unit/%s.c" % test):
            gw = gw or key
            if gw not in GATEWAYS:
                continue
            c.add("%s-%d" % (gw, status), parse_input(gw, status, body))
    for name, gw in (("wechat-answers", "wechat"),
                     ("wechat-token-answers", "wechat"),
                     ("wechat-token-answers", "wechat-short"),
                     ("smtp-answers", "smtp")):
        path = rel("tests/golden/%s.txt" % name)
        if not os.path.exists(path):
            continue
        for m in re.finditer(rb"^(?:HTTP|SMTP) (-?\d+)(?: (?!->)((?:(?! ->)[^\n])*))?",
                             read(path), re.M):
            c.add("%s-%s" % (gw, m.group(1).decode()),
                  parse_input(gw, int(m.group(1)), m.group(2) or b"", 2))
    if os.path.exists(REFERENCE):
        ref = read(REFERENCE)
        for i, m in enumerate(re.finditer(rb"```[a-z]*\n(\{.*?\})\n```", ref, re.S)):
            for gw in GATEWAYS:
                c.add("ref-%s" % gw, parse_input(gw, 200, m.group(1)))
    for gw in GATEWAYS:
        for status in (200, 400, 429, 500, 503):
            c.add("%s-%d-empty" % (gw, status), parse_input(gw, status, b""))
        c.add("%s-html" % gw, parse_input(gw, 502, b"<html><body>Bad Gateway</body></html>"))
        c.add("%s-alert" % gw, parse_input(gw, 200, b'{"errcode":0,"errmsg":"ok"}', 1))
    return c


# ---- receipt ----

def seed_receipt():
    c = Corpus("receipt")
    for lit in literals("tests/unit/test_receipt.c"):
        if lit[:1] in (b"[", b"{") or b"=" in lit:
            c.add("test-receipt", lit)
    if os.path.exists(REFERENCE):
        ref = read(REFERENCE)
        for m in re.finditer(rb"```[a-z]*\n(\[.*?\])\n```", ref, re.S):
            c.add("ref", m.group(1))
    c.add("twilio", b"MessageSid=SM0123456789abcdef0123456789abcdef&"
          b"MessageStatus=delivered&AccountSid=AC0123456789abcdef0123456789abcdef&"
          b"From=%2B15005550006&To=%2B8613812345678&ApiVersion=2010-04-01&"
          b"SmsSid=SM0123456789abcdef0123456789abcdef&SmsStatus=delivered")
    c.add("twilio-failed", b"MessageSid=SM1&MessageStatus=undelivered&ErrorCode=30003")
    c.add("kannel", b"key=hg-7-3-sms&token=0123456789abcdef0123456789abcdef&"
          b"status=1&smsc_id=gy-smsc&answer=ACK%2F")
    c.add("kannel-queued", b"key=hg-7-3-sms&token=00&status=8")
    for uri in (b"/v1/receipts/twilio?key=hg-7-3-sms",
                b"/v1/receipts/twilio?key=hg-7-3-sms&bodySHA256=" + b"0" * 64,
                b"https://huigao.example.org:443/v1/receipts/twilio?key=k",
                b"http://[::1]:8080/v1/receipts/twilio?key=k#f",
                b"https://user:pw@huigao.example.org/?a=1&a=1&a=0&b=",
                b"/v1/receipts/kannel?key=hg-7-3-sms&token=00&status=16"):
        c.add("uri", uri)
    return c


# ---- dictionaries: the words each parser looks for ----

def dict_entry(word):
    out = ""
    for b in word:
        out += chr(b) if 0x20 <= b < 0x7f and b not in (0x22, 0x5c) else "\\x%02x" % b
    return '"%s"' % out


def write_dict(target, words, comment):
    words = sorted({w if isinstance(w, bytes) else w.encode() for w in words if w})
    with open(os.path.join(FUZZ, target + ".dict"), "w") as f:
        f.write("# %s (written by make-corpus.py)\n" % comment)
        for w in words:
            f.write(dict_entry(w) + "\n")
    return len(words)


def source_words(paths, pattern):
    words = set()
    for p in paths:
        for m in re.finditer(pattern, read(rel(p))):
            words.add(c_string(m.group(1).decode()))
    return words


def dicts():
    adapters = ["adapters/" + f for f in sorted(os.listdir(rel("adapters")))
                if f.endswith(".c")]
    cfg = set()
    for p in ["daemon/cfg.c"] + adapters:
        for m in re.finditer(rb'_keys\[\]\s*=\s*\{([^}]*)\}', read(rel(p))):
            cfg.update(c_string(lit) for lit in re.findall(LIT, m.group(1).decode()))
    cfg.update(x.encode() for x in GATEWAYS + ["console", "file"])
    cfg.update([b"@include \"steps.conf\"", b"@include \"secret\"", b"secret",
                b"secret-open", b"empty", b"true", b"false", b"sms", b"wechat",
                b"email", b"applicant", b"agent", b"respondent", b"https://",
                b"http://", b"smtp://", b"smtps://", b"=", b";", b"{", b"}",
                b"(", b")", b"[", b"]", b"0x", b"L", b"\"\"", b"_file",
                b"ENF_DEPOSIT_FROZEN", b"08:00-20:00", b"Asia/Shanghai"])
    n = {"config": write_dict("config", cfg, "libconfig keys and values huigao reads")}
    api = source_words(adapters + ["adapters/adapters.c"],
                       rb'json_object_get\([^,]+,\s*("(?:[^"\\]|\\.)*")\)')
    codes = source_words(adapters, rb'("(?:isv|isp|FailedOperation|InvalidParameter'
                         rb'|AuthFailure|LimitExceeded|UnauthorizedOperation|InternalError'
                         rb'|UnsupportedOperation|RequestLimitExceeded)[^"]*")')
    parse = {b'"' + w + b'":' for w in api} | codes
    parse.update([b"{", b"}", b"[", b"]", b"null", b"true", b"false", b"0",
                  b"-1", b"1e999", b"\"OK\"", b"\"Ok\"", b"\\u0000", b"\\ud800"])
    n["parse"] = write_dict("parse", parse, "JSON members and codes the adapters read")
    rc = [b'"out_id":', b'"biz_id":', b'"success":', b'"phone_number":',
          b'"err_code":', b'"err_msg":', b'"sid":', b'"mobile":',
          b'"report_status":', b'"description":', b'"ext":', b'"SUCCESS"',
          b'"FAIL"', b"true", b"false", b"MessageSid=", b"MessageStatus=",
          b"ErrorCode=", b"To=", b"key=", b"token=", b"status=", b"smsc_id=",
          b"answer=", b"delivered", b"undelivered", b"failed", b"read", b"&",
          b"%", b"%00", b"+"]
    n["receipt"] = write_dict("receipt", rc, "receipt fields")
    rd = [b"{", b"}", b"{{", b"}}", b"\x00{", b'":"', b'":', b"{case_no}",
          b"{court}", b"{step}", b"{date}", b"{name}", b"{party}", b'"party"',
          b"{amount}", b'"amount"', b"{deadline}", b'"deadline"',
          b'"2024-06-30"', b"1e308", b"-0.0000001", b"null", b"[]"]
    n["render"] = write_dict("render", rd, "placeholders and JSON params")
    tx = ["+86", "0086", "86", "-", "(", ")", "\u3000", "@", ".", "1", "13",
          "138", "字第", "执", "号", "(20", "(19", "）", "（", "〔", "〕", "最高法",
          "冀0724", "军", "兵", "知", "公司", "银行", "欧阳", "某", "月", "日",
          "-02-29", "T10:00:00+08:00", ":", "Z", "€", "{", "\u200d", "\U0001f1e8",
          "\U0001f3fd", "\ufe0f", "\u0301", "\U0001f600", "\xa0", "０"]
    n["text"] = write_dict("text", [t.encode() for t in tx],
                           "phone, case number, name, date and SMS text pieces")
    return n


def main():
    for fn in (seed_config, seed_render, seed_text, seed_parse, seed_receipt):
        c = fn()
        print("%-8s %d seeds" % (os.path.basename(c.dir), len(c)))
    for t, n in sorted(dicts().items()):
        print("%-8s %d dictionary words" % (t, n))


if __name__ == "__main__":
    main()
