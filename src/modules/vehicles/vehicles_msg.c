/*
** modules/vehicles/vehicles_msg.c: English for the 公务用车 texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg vehicles_msg[] = {
	{ NULL, NULL }
};
