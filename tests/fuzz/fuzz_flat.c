/* tests/fuzz/fuzz_flat.c - the flattened stream of -R (sink_unflatten). */
#include "fuzz.h"
#include "../../sink.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char path[64];
	struct err e = { 0 };
	const char *out;
	int fd;

	fuzz_init();
	fd = fuzz_memfd(data, len, path);
	out = fuzz_out_path("flat.out");
	if (lseek(fd, 0, SEEK_SET) == 0)
		if (sink_unflatten(fd, "fuzz", out, true, &e) < 0)
			fuzz_say(&e);
	unlink(out);
	close(fd);
	return 0;
}
