/*
 * memusage.h - --mem-usage: how many pages of each kind a live kernel
 * (/proc/kcore) has, and which a dump level would leave out.
 */
#ifndef MDF_MEMUSAGE_H
#define MDF_MEMUSAGE_H

#include <stdint.h>

#include "err.h"
#include "kernel.h"

int memusage_show(struct kernel *kn, struct err *e);

#endif
