// Only the header matters (a declaration of libFuzzer's runtime); SwiftPM needs one source file
// to make a C target of it.
#include "CLibFuzzer.h"
