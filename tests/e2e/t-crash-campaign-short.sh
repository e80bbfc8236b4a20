#!/bin/sh
# A short crash campaign in make test: 3,000 messages, 8 kill -9 at random
# moments (a gateway answering in 20 ms keeps the run long enough to be hit
# 8 times); nothing lost, repeats only of in-flight sends, same keys.
CRASH_GW_DELAY=0.02 exec sh "$(dirname "$0")/../crash/campaign.sh" 8 3000
