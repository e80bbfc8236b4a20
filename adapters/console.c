/*
 * console.c - the demo gateway: prints each message to standard output as
 * the applicant would read it. The recipient is masked even here.
 */
#include <stdio.h>

#include "adapter.h"

/* Print one message as a small card; never fails. */
static void
console_send(const struct gateway *gw, const struct message *m,
    struct result *res)
{
	char	 masked[64];

	policy_mask(m->to, masked, sizeof(masked));
	printf("── %s → %s  [%s #%lld %s] ──\n%s\n\n", m->channel, masked,
	    gw->name, (long long)m->id, m->step, m->text);
	fflush(stdout);
	result_set(res, OUTCOME_OK, "%s", "");
}

const struct adapter adapter_console = {
	.name = "console",
	.send_local = console_send,
};
