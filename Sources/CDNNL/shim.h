#ifndef CELLSCRIBE_CDNNL_SHIM_H
#define CELLSCRIBE_CDNNL_SHIM_H
// oneDNN's C API (Debian libdnnl-dev 2.x) plus the two OpenMP calls that size its thread pool. The OpenMP
// prototypes are declared here because omp.h lives in the compiler's private include folder.
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int count);
int omp_get_max_threads(void);

#endif
