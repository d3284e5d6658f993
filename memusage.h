/*
 * memusage.h - --mem-usage: how many pages of each kind a live kernel
 * (/proc/kcore) has, and which a dump level would leave out.
 */
#ifndef MDF_MEMUSAGE_H
#define MDF_MEMUSAGE_H

#include <stdint.h>

#include "err.h"
#include "kview.h"
#include "memmap.h"

int memusage_show(struct kview *kv, struct memmap *mm, uint64_t max_mapnr, struct err *e);

#endif
