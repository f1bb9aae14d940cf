#ifndef CGLIBCMALLOC_SHIM_H
#define CGLIBCMALLOC_SHIM_H

// mallopt and its parameters, which the Glibc module does not export.
#if defined(__linux__)
#include <malloc.h>
#endif

#endif
