/*
 * dingtalk.c - placeholder; being written (issue 4).
 */
#include "adapter.h"

const struct adapter adapter_dingtalk = {
	.name = "dingtalk",
};
