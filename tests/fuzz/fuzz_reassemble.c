/*
 * tests/fuzz/fuzz_reassemble.c - --reassemble of --split parts.  The input
 * is the parts one after the other, each ended by the separator PART_SEP.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "../../makedumpfile.h"
#include "../../split.h"

#include <string.h>
#include <unistd.h>

#define PART_SEP "\n=PART=\n"
#define MAX_PARTS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char paths[MAX_PARTS][64];
	const char *inputs[MAX_PARTS], *outputs[1];
	int fds[MAX_PARTS], n = 0, i;
	struct options o;
	struct err e = { 0 };

	fuzz_init();
	while (len && n < MAX_PARTS) {
		const uint8_t *sep = memmem(data, len, PART_SEP, sizeof(PART_SEP) - 1);
		size_t part = sep ? (size_t)(sep - data) : len;

		fds[n] = fuzz_memfd(data, part, paths[n]);
		inputs[n] = paths[n];
		n++;
		part += sep ? sizeof(PART_SEP) - 1 : 0;
		data += part;
		len -= part;
	}
	if (!n)
		return 0;
	memset(&o, 0, sizeof(o));
	o.mode = MODE_REASSEMBLE;
	o.inputs = inputs;
	o.num_inputs = n;
	outputs[0] = fuzz_out_path("reassembled");
	o.outputs = outputs;
	o.num_outputs = 1;
	o.force = true;
	if (split_reassemble(&o, &e) < 0)
		fuzz_say(&e);
	unlink(outputs[0]);
	for (i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}
