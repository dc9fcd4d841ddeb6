#ifndef LOOPSIM_CCRYPTO_SHIM_H
#define LOOPSIM_CCRYPTO_SHIM_H

#include <openssl/err.h>
#include <openssl/evp.h>

#endif
