#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H
// C shims over libtiff and libpng. Declarations are added by the codec implementations.
#include <stddef.h>
#include <stdint.h>
#endif
