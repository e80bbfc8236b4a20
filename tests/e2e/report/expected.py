"""expected.py - the figures gen.py's dataset must give, worked out by hand.

Period 2024-06-01 .. 2024-06-30. Each scope: a court key, or "*" for the
total. Rates are (count, of, "rounded"); latencies (n, median, p90) in
seconds, nearest rank. The arithmetic, for the reader:

  gy   tracked 90+1+1+2+1+29+17 = 141, voluntary 90+1+1 = 92  -> 65.25%
       enforced 1+2+1+29 = 33 -> 23.40%; with steps 141 + 1 = 142
  kb   10 tracked, 7 voluntary -> 70.00%, 3 enforced -> 30.00%
  old  1 tracked, 0 and 0 -> 0.00%;  zb  nothing -> no rate ("-", null)
  all  152 tracked, 99 voluntary -> 65.13%, 36 enforced -> 23.68%
  hook delivered 31 of 32 receipts -> 96.875 -> 96.88% (half up);
       accepted 4+31+1 = 36 of 38 final -> 94.74%;
       attempts 36 ok + 3 early tempfails + 2x3 dead + 2 pending = 47;
       to sent 100..3600 ms (36): rank 18 = 1.800, rank 33 = 3.300;
       to delivered 1000..31000 ms (31): rank 16 = 16.000, rank 28 = 28.000
  backup 5 of 8 -> 62.50%, 9 of 10 -> 90.00%, attempts 10 + 1 = 11;
       to sent {2000,2500,5000..7500,9000}: rank 5 = 6.000, rank 9 = 9.000;
       to delivered {45000,60000..90000}: rank 3 = 70.000, rank 5 = 90.000
  all  to sent: 45 values, rank 23 = 2.200, rank 41 = 6.000;
       to delivered: 36 values, rank 18 = 18.000, rank 33 = 60.000
  gy   to sent: 42 values, rank 21 = 2.100, rank 38 = 5.500;
       to delivered: 35 values, rank 18 = 18.000, rank 32 = 60.000
  notifications per case: 53/153 = 0.346 -> 0.35, gy 49/142 -> 0.35,
       kb 4/10 -> 0.40, old 0/1 -> 0.00
"""

STATES = ("pending", "sending", "sent", "delivered", "undelivered", "dead",
          "suppressed")
CHANNELS = ("sms", "wechat", "email")
CHANNEL_ZH = {"sms": "短信", "wechat": "微信", "email": "电子邮件"}


def notif(pending=0, sending=0, sent=0, delivered=0, undelivered=0, dead=0,
          suppressed=0):
    return dict(pending=pending, sending=sending, sent=sent,
                delivered=delivered, undelivered=undelivered, dead=dead,
                suppressed=suppressed)


def days(*spans):
    """days(("2024-06-11", "2024-06-19", 3), ...) -> {date: n}."""
    out = {}
    for first, last, n in spans:
        for d in range(int(first[8:]), int(last[8:]) + 1):
            out["%s%02d" % (first[:8], d)] = n
    return out


HOOK = dict(attempts=47, sent=4, delivered=31, undelivered=1, dead=2,
            delivery=(31, 32, "96.88"), acceptance=(36, 38, "94.74"),
            to_sent=(36, "1.800", "3.300"),
            to_delivered=(31, "16.000", "28.000"))
BACKUP_ALL = dict(attempts=11, sent=1, delivered=5, undelivered=3, dead=1,
                  delivery=(5, 8, "62.50"), acceptance=(9, 10, "90.00"),
                  to_sent=(9, "6.000", "9.000"),
                  to_delivered=(5, "70.000", "90.000"))
BACKUP_GY = dict(attempts=6, sent=0, delivered=4, undelivered=2, dead=0,
                 delivery=(4, 6, "66.67"), acceptance=(6, 6, "100.00"),
                 to_sent=(6, "6.000", "7.500"),
                 to_delivered=(4, "70.000", "90.000"))
BACKUP_KB = dict(attempts=5, sent=1, delivered=1, undelivered=1, dead=1,
                 delivery=(1, 2, "50.00"), acceptance=(3, 4, "75.00"),
                 to_sent=(3, "2.500", "9.000"),
                 to_delivered=(1, "45.000", "45.000"))
NO_LATENCY = (0, None, None)

# Steps in the order the report lists them: ENF, DSP, FND, ADJ, CLS groups,
# most frequent first. (code, label, count)
STEPS_GY = [("ENF_FILED", "执行立案", 34),
            ("ENF_DEPOSIT_FROZEN", "冻结银行存款", 29),
            ("DSP_AUCTION_ANNOUNCED", "网络司法拍卖公告", 5),
            ("FND_RECEIVED", "执行款到账", 3),
            ("ADJ_OBJECTION_FILED", "执行异议受理", 2),
            ("CLS_FULFILLED", "执行完毕结案", 1)]

SCOPES = {
    "*": dict(
        name="合计", configured=True, active=153, tracked=152,
        voluntary=(99, 152, "65.13"), enforced=(36, 152, "23.68"),
        steps=[("ENF_FILED", "执行立案", 37)] + STEPS_GY[1:], steps_total=77,
        notif={"sms": notif(2, 0, 4, 31, 1, 2, 3),
               "wechat": notif(0, 0, 1, 5, 3, 1, 0)},
        nnotif=53, per_case=(53, 153, "0.35"),
        gateways={"backup": BACKUP_ALL, "hook": HOOK},
        to_sent=(45, "2.200", "6.000"), to_delivered=(36, "18.000", "60.000"),
        days=days(("2024-06-05", "2024-06-05", 4),
                  ("2024-06-11", "2024-06-19", 3),
                  ("2024-06-20", "2024-06-30", 2))),
    "gy": dict(
        name="沽源县人民法院", configured=True, active=142, tracked=141,
        voluntary=(92, 141, "65.25"), enforced=(33, 141, "23.40"),
        steps=STEPS_GY, steps_total=74,
        notif={"sms": notif(2, 0, 4, 31, 1, 2, 3),
               "wechat": notif(0, 0, 0, 4, 2, 0, 0)},
        nnotif=49, per_case=(49, 142, "0.35"),
        gateways={"backup": BACKUP_GY, "hook": HOOK},
        to_sent=(42, "2.100", "5.500"), to_delivered=(35, "18.000", "60.000"),
        days=days(("2024-06-11", "2024-06-19", 3),
                  ("2024-06-20", "2024-06-30", 2))),
    "kb": dict(
        name="康保县人民法院", configured=True, active=10, tracked=10,
        voluntary=(7, 10, "70.00"), enforced=(3, 10, "30.00"),
        steps=[("ENF_FILED", "执行立案", 3)], steps_total=3,
        notif={"wechat": notif(0, 0, 1, 1, 1, 1, 0)},
        nnotif=4, per_case=(4, 10, "0.40"),
        gateways={"backup": BACKUP_KB},
        to_sent=(3, "2.500", "9.000"), to_delivered=(1, "45.000", "45.000"),
        days={"2024-06-05": 4}),
    "zb": dict(
        name="张北县人民法院", configured=True, active=0, tracked=0,
        voluntary=(0, 0, None), enforced=(0, 0, None),
        steps=[], steps_total=0, notif={}, nnotif=0, per_case=(0, 0, None),
        gateways={}, to_sent=NO_LATENCY, to_delivered=NO_LATENCY, days={}),
    "old": dict(
        name="old", configured=False, active=1, tracked=1,
        voluntary=(0, 1, "0.00"), enforced=(0, 1, "0.00"),
        steps=[], steps_total=0, notif={}, nnotif=0, per_case=(0, 1, "0.00"),
        gateways={}, to_sent=NO_LATENCY, to_delivered=NO_LATENCY, days={}),
}
# The configuration's courts in its order, then those only the database has.
COURTS = ["gy", "kb", "zb", "old"]


def scopes(court=None):
    """(total, [court scopes]) as the report shows them, for --court or all."""
    if court is None:
        return SCOPES["*"], [(k, SCOPES[k]) for k in COURTS]
    one = dict(SCOPES[court])
    total = dict(one, name="合计", configured=True)
    return total, [(court, one)]
