#ifndef CELLSCRIBE_CDNNL_SHIM_H
#define CELLSCRIBE_CDNNL_SHIM_H
// oneDNN's C API (Debian libdnnl-dev 2.x) plus the OpenMP calls that size its thread pool and run CellScribe's
// own loops on the same threads. The OpenMP prototypes are declared here because omp.h lives in the compiler's
// private include folder; GOMP_parallel is libgomp's entry point for a parallel region (what
// `#pragma omp parallel num_threads(n)` compiles to): it runs fn(data) on a team of n threads and returns when
// all have finished.
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int count);
int omp_get_max_threads(void);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);

#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
// The calling thread's kernel id (gettid(2)), whose scheduling priority threads started by it inherit.
static inline int cellscribe_thread_id(void) { return (int)syscall(SYS_gettid); }
#endif

#endif
