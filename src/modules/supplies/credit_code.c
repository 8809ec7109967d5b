/*
** modules/supplies/credit_code.c: the check character of a 统一社会信用代码
** (GB 32100-2015), so a mistyped supplier code is refused at the field.
*/
#include "modules/supplies/supplies.h"

#include <string.h>

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";	/* 31 characters */

int
sup_credit_code_ok(const char *code)
{
	int sum = 0, weight = 1;	/* 3^i mod 31 */
	const char *p;

	if (!code || strlen(code) != SUP_CREDIT_CODE_LEN)
		return 0;
	for (int i = 0; i < SUP_CREDIT_CODE_LEN; i++)
		if (!code[i] || !strchr(alphabet, code[i]))
			return 0;
	for (int i = 0; i < SUP_CREDIT_CODE_LEN - 1; i++) {
		p = strchr(alphabet, code[i]);
		sum += (int)(p - alphabet) * weight;
		weight = weight * 3 % 31;
	}
	return code[SUP_CREDIT_CODE_LEN - 1] == alphabet[(31 - sum % 31) % 31];
}
