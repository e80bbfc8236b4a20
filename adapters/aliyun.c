/*
 * aliyun.c - placeholder; being written (issue 3).
 */
#include "adapter.h"

const struct adapter adapter_aliyun = {
	.name = "aliyun",
};
