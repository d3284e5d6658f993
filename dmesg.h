/*
 * dmesg.h - the dumped kernel's log (--dump-dmesg), for every printk
 * generation: the fixed log_buf (before 3.5), variable-length printk_log
 * records (3.5 to 5.9) and the lockless printk_ringbuffer (5.10+).
 */
#ifndef MDF_DMESG_H
#define MDF_DMESG_H

#include <stdbool.h>

#include "err.h"
#include "kview.h"

/*
 * Write the log to path as upstream makedumpfile formats it.  partial:
 * only what was logged after the last "dmesg --clear".  Damaged records
 * are skipped with a message saying which and why.
 */
int dmesg_save(struct kview *kv, const char *path, bool partial, bool force, struct err *e);

#endif
