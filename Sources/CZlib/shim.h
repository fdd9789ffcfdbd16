// zlib: gzopen/gzread read gzip and plain files alike, so one reader serves both .gz and raw IDX.
#include <zlib.h>
