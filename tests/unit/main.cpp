// The doctest runner for jcode_unit_tests; test cases live in tests/unit/test_<module>.cpp.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
