/*
 * columns.c - the column table of columns.h and the strings made from it.
 *
 * Every string below is one literal that the compiler concatenates from
 * the table: each starts with a separator that the accessor skips, so no
 * code runs to build them.
 */
#include <stddef.h>

#include "columns.h"

#define ROW_(id, name, kind, copy, list, src) \
	[FTX_COL_##id] = { name, ",\"" name "\":", FTX_KIND_##kind, copy, \
	    list, FTX_SRC_##src },
const struct ftx_column ftx_columns[FTX_COLUMNS] = {
	FTX_COLUMN_TABLE(ROW_)
};
#undef ROW_

#define HEADER_(id, name, kind, copy, list, src)	";" name
static const char header[] = FTX_COLUMN_TABLE(HEADER_) "\n";
#undef HEADER_

#define COPY_(id, name, kind, copy, list, src)	", " copy
static const char copy_select[] = FTX_COLUMN_TABLE(COPY_);
#undef COPY_

#define LIST_(id, name, kind, copy, list, src)	", " list
static const char list_select[] = FTX_COLUMN_TABLE(LIST_);
#undef LIST_

const char *
ftx_columns_header(size_t *len)
{
	*len = sizeof(header) - 2;
	return header + 1;
}

const char *
ftx_columns_copy_select(void)
{
	return copy_select + 2;
}

const char *
ftx_columns_list_select(void)
{
	return list_select + 2;
}
