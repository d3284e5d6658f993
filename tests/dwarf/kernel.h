/*
 * kernel.h - what the fixture units share: fixed link addresses.
 *
 * Each variable whose address the test checks goes to a section of its
 * own, which fake.lds places at a fixed address (the ones of the Debian
 * 6.1 vmlinux, for realism).  Everything here assumes LP64.
 */
#ifndef FIXTURE_KERNEL_H
#define FIXTURE_KERNEL_H

#define AT(name) __attribute__((section(".kd." #name), used))
#define AT_TEXT(name) __attribute__((section(".kt." #name), used, noinline))

#endif
