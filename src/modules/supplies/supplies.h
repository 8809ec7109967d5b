/*
** modules/supplies/supplies.h: 办公用品与采购 (issue #16). This first part:
** the stock ledger (stock.h) and the checks of the catalog; the catalog's
** items and suppliers, requisitions, purchasing and reports follow on the
** tables of migration 0037.
*/
#ifndef HOUQIN_SUPPLIES_H
#define HOUQIN_SUPPLIES_H

#define SUP_CREDIT_CODE_LEN 18

/*
** 统一社会信用代码 (GB 32100-2015): 18 characters from 0-9 and A-Z without
** I, O, S, V and Z; the last is the check character of the first 17
** (weights 3^i mod 31). 1 when code is one (upper case), else 0.
*/
int sup_credit_code_ok(const char *code);

#endif
