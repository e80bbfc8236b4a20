/*
 * kannel.c - placeholder; being written (issue 3).
 */
#include "adapter.h"

const struct adapter adapter_kannel = {
	.name = "kannel",
};
