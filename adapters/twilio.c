/*
 * twilio.c - placeholder; being written (issue 3).
 */
#include "adapter.h"

const struct adapter adapter_twilio = {
	.name = "twilio",
};
