/*
 * tests/fuzz/fuzz_dmesg.c - the printk structures of --dump-dmesg, every
 * generation: the input is VMCOREINFO text, a NUL, then the kernel's RAM
 * (see fuzz_core in fuzz.h).  The first byte of RAM also picks --partial-dmesg.
 */
#include "fuzz.h"
#include "../../dmesg.h"
#include "../../kview.h"
#include "../../vmcore.h"
#include "../../vmcoreinfo.h"

#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char path[64];
	struct err e = { 0 };
	struct kview kv;
	struct vmcore *vc;
	const char *note, *out;
	size_t n;
	int fd;

	fuzz_init();
	fd = fuzz_core(data, len, UINT64_C(1) << 20, path);
	if (fd < 0)
		return 0;
	memset(&kv, 0, sizeof(kv));
	vc = vmcore_open(path, true, &e);
	if (!vc) {
		fuzz_say(&e);
		goto out;
	}
	note = vmcore_vmcoreinfo(vc, &n, NULL);
	if (note && vmci_parse(note, n, "VMCOREINFO note", &kv.k, &e) == 0 &&
	    kview_init(&kv, vc, &e) == 0 && kv.arch) {
		out = fuzz_out_path("dmesg");
		if (dmesg_save(&kv, out, len > n + 1 && (data[n + 1] & 1), true, &e) < 0)
			fuzz_say(&e);
		unlink(out);
	}
	kview_fini(&kv);
	vmcore_close(vc);
out:
	close(fd);
	return 0;
}
