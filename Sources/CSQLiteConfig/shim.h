#ifndef CSQLITECONFIG_SHIM_H
#define CSQLITECONFIG_SHIM_H

#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call: statement journals held in memory
// whatever their size (SQLITE_CONFIG_STMTJRNL_SPILL -1). Only before SQLite initialises;
// SQLITE_MISUSE after.
static inline int chungtay_sqlite_statement_journals_in_memory(void) {
    return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
}

#endif
