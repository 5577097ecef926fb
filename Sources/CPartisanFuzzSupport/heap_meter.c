// Heap measurements for the fuzz targets. The sanitizer's functions are weak: a normal build
// links without them and falls back to mallinfo2, with no peak.
#include "fuzz_support.h"

#include <malloc.h>
#include <stdatomic.h>

extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));
extern size_t __sanitizer_get_allocated_size(const volatile void *p) __attribute__((weak));
extern int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void *, size_t), void (*free_hook)(const volatile void *))
    __attribute__((weak));

static _Atomic long live;
static _Atomic long peak;
static _Atomic long base;
static _Atomic int installed;

static void on_malloc(const volatile void *p, size_t size) {
    (void)p;
    long now = atomic_fetch_add(&live, (long)size) + (long)size;
    long seen = atomic_load(&peak);
    while (now > seen && !atomic_compare_exchange_weak(&peak, &seen, now)) {
    }
}

static void on_free(const volatile void *p) {
    if (p) atomic_fetch_sub(&live, (long)__sanitizer_get_allocated_size(p));
}

size_t partisan_heap_allocated_bytes(void) {
    if (__sanitizer_get_current_allocated_bytes) return __sanitizer_get_current_allocated_bytes();
    return mallinfo2().uordblks;
}

int partisan_heap_peak_reset(void) {
    if (!__sanitizer_install_malloc_and_free_hooks || !__sanitizer_get_allocated_size) return 0;
    if (!atomic_exchange(&installed, 1)) __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
    long now = atomic_load(&live);
    atomic_store(&base, now);
    atomic_store(&peak, now);
    return 1;
}

size_t partisan_heap_peak_since_reset(void) {
    long above = atomic_load(&peak) - atomic_load(&base);
    return above > 0 ? (size_t)above : 0;
}
